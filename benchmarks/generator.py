"""Generator benchmark: the synthetic extracts for the whole ICS over six years.

Targets (issue 3): under 2 minutes and 6 GB peak on 2 cores. Baseline, in the same run: writing the
same rows (read back from the generated files) with pyarrow into the same monthly files, so the
ratio shows what simulating them costs over merely writing them.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

CHILD = """
import sys, time
from pathlib import Path
from pipelines.synthetic.generate import generate
t = time.perf_counter()
result = generate(Path(sys.argv[1]), persons=int(sys.argv[2]))
print(time.perf_counter() - t, sum(result.rows.values()))
"""


def _rewrite_with_pyarrow(source_dir: Path, target_dir: Path) -> tuple[float, int]:
    """Seconds to write every file of the extracts again with pyarrow, and the rows written."""
    tables = []
    for path in sorted(source_dir.glob("*/*.*")):  # source folders only
        if path.suffix == ".parquet":
            tables.append((path, pq.read_table(path)))
        else:  # as text, exactly as written
            header = path.open().readline().strip().replace('"', "").split(",")
            options = pa_csv.ConvertOptions(column_types={c: pa.string() for c in header})
            tables.append((path, pa_csv.read_csv(path, convert_options=options)))
    target_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for path, table in tables:
        out = target_dir / path.name
        if path.suffix == ".parquet":
            pq.write_table(table, out, compression="zstd")
        else:
            pa_csv.write_csv(table, out)
    return time.perf_counter() - start, sum(t.num_rows for _, t in tables)


def run(persons: int = 1_200_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "extracts"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        child = subprocess.run([sys.executable, "-c", CHILD, str(out), str(persons)],
                               capture_output=True, text=True, check=True)
        peak_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        seconds, rows = child.stdout.split()
        seconds, rows = float(seconds), int(rows)
        baseline_seconds, baseline_rows = _rewrite_with_pyarrow(out, Path(tmp) / "rewritten")
    return {
        "benchmark": "synthetic extract generator",
        "persons": persons,
        "years": 6,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_memory_gb": round(peak_kb / 1024 / 1024, 2),
        "baseline": "pyarrow writing the same rows into the same files",
        "baseline_seconds": round(baseline_seconds, 1),
        "baseline_rows_per_second": round(baseline_rows / baseline_seconds),
        "ratio_to_baseline": round(seconds / baseline_seconds, 2),
        "targets": {"seconds": 120, "peak_memory_gb": 6},
    }

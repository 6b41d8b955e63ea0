"""Generator benchmark: the synthetic extracts for the whole ICS over six years.

Targets (issue 3): under 2 minutes and 6 GB peak on 2 cores. Baseline, in the same run: writing the
same rows (read back from the generated files) with pyarrow into the same monthly files, so the
ratio shows what simulating them costs over merely writing them.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from benchmarks.child import in_child, peak_memory_gb
from pipelines.synthetic.generate import generate


def timed_generate(out: Path, persons: int) -> tuple[float, int, float]:
    """Seconds, rows written and peak memory (GB) of generating the extracts."""
    start = time.perf_counter()
    result = generate(out, persons=persons)
    return time.perf_counter() - start, sum(result.rows.values()), peak_memory_gb()


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
        seconds, rows, peak_gb = in_child(timed_generate, out, persons)
        baseline_seconds, baseline_rows = _rewrite_with_pyarrow(out, Path(tmp) / "rewritten")
    return {
        "benchmark": "synthetic extract generator",
        "persons": persons,
        "years": 6,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_memory_gb": round(peak_gb, 2),
        "baseline": "pyarrow writing the same rows into the same files",
        "baseline_seconds": round(baseline_seconds, 1),
        "baseline_rows_per_second": round(baseline_rows / baseline_seconds),
        "ratio_to_baseline": round(seconds / baseline_seconds, 2),
        "targets": {"seconds": 120, "peak_memory_gb": 6},
    }

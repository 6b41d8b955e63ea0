"""Generator benchmark: the synthetic extracts for the whole ICS over six years, then three times as
many people, to show that time is linear in people and memory bounded by a shard.

Targets (issue 17): 1.2M people in at most 60 s on 2 cores with a peak of at most 2 GB (the whole
process tree: the generator and its workers), and 3.6M people in at most 3.3x that time with the same
peak. Baseline, in the same run: writing the same rows (read back from the generated files) with
pyarrow into the same monthly files, so the ratio shows what simulating them costs over merely
writing them.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from benchmarks.child import TreePeak, in_child
from pipelines.synthetic.generate import DEFAULT_WORKERS, generate


def timed_generate(out: Path, persons: int) -> tuple[float, int, float]:
    """Seconds, rows written and peak memory (GB, this process and its workers) of generating."""
    with TreePeak() as peak:
        start = time.perf_counter()
        result = generate(out, persons=persons)
        seconds = time.perf_counter() - start
    return seconds, sum(result.rows.values()), peak.gb


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
        # in a child too: reading every file back takes GBs, which this process would keep
        baseline_seconds, baseline_rows = in_child(_rewrite_with_pyarrow, out, Path(tmp) / "rewritten")
        shutil.rmtree(out)
        shutil.rmtree(Path(tmp) / "rewritten")
        big_seconds, big_rows, big_peak_gb = in_child(timed_generate, out, 3 * persons)
    return {
        "benchmark": "synthetic extract generator",
        "persons": persons,
        "years": 6,
        "workers": DEFAULT_WORKERS,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_memory_gb": round(peak_gb, 2),
        "baseline": "pyarrow writing the same rows into the same files",
        "baseline_seconds": round(baseline_seconds, 1),
        "baseline_rows_per_second": round(baseline_rows / baseline_seconds),
        "ratio_to_baseline": round(seconds / baseline_seconds, 2),
        "three_times_the_people": {
            "persons": 3 * persons,
            "rows": big_rows,
            "seconds": round(big_seconds, 1),
            "peak_memory_gb": round(big_peak_gb, 2),
            "time_ratio": round(big_seconds / seconds, 2),
            "ratio_to_baseline_of_the_smaller_run": round(big_seconds / baseline_seconds, 2),
        },
        "targets": {"seconds": 60, "peak_memory_gb": 2, "time_ratio_at_three_times": 3.3},
    }

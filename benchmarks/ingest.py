"""Ingest benchmark: landing the full-ICS synthetic extracts, validation included.

Baseline, in the same run on the same files: DuckDB's own read_csv / read_parquet of each source's
files into a table. Target (issue 4): at least half the DuckDB rows/s, and peak memory under 6 GB.
Each side runs in its own process, so peak memory is measured per side.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

GENERATE = """
import sys
from pathlib import Path
from pipelines.synthetic.generate import generate
generate(Path(sys.argv[1]), persons=int(sys.argv[2]))
"""

PIPELINE = """
import os, sys, time
os.environ["PH_DATA_DIR"] = sys.argv[2]
os.environ["PH_LANDING_DIR"] = sys.argv[1]
from pipelines.config import load_settings
from pipelines.contracts.model import load_contracts
from pipelines.contracts.validation import ContractValidator
from pipelines.ingest.landing import land_source
settings = load_settings(); settings.ensure_dirs()
validator = ContractValidator()
validator._context  # GX start-up (~3 s) is not ingest throughput
start = time.perf_counter()
rows = 0
for contract in load_contracts().values():
    rows += sum(o.rows_loaded for o in land_source(settings, contract, validator))
import resource
print(time.perf_counter() - start, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

DUCKDB = """
import sys, time
from pathlib import Path
import duckdb
con = duckdb.connect(sys.argv[2] + "/baseline.duckdb")
start = time.perf_counter()
rows = 0
for folder in sorted(p for p in Path(sys.argv[1]).iterdir() if p.is_dir()):
    files = sorted(folder.iterdir())
    reader = "read_parquet" if files[0].suffix == ".parquet" else "read_csv"
    con.execute(f"create table {folder.name} as select * from {reader}('{folder}/*{files[0].suffix}',"
                " union_by_name = true)")
    rows += con.execute(f"select count(*) from {folder.name}").fetchone()[0]
con.close()  # durable on disk, as the pipeline's landing is when it returns
import resource
print(time.perf_counter() - start, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _timed(script: str, *args: str) -> tuple[float, int, float]:
    """Seconds, rows and the process's own peak memory (GB), as printed by the script."""
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[-3]), int(out[-2]), int(out[-1]) / 1024 / 1024


def run(persons: int = 1_200_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        extracts, work = Path(tmp) / "extracts", Path(tmp) / "work"
        work.mkdir()
        subprocess.run([sys.executable, "-c", GENERATE, str(extracts), str(persons)], check=True)
        base_s, base_rows, base_gb = _timed(DUCKDB, str(extracts), str(work))
        ours_s, ours_rows, ours_gb = _timed(PIPELINE, str(extracts), str(work))
    return {
        "benchmark": "ingest (contract validation with Great Expectations + atomic load)",
        "persons": persons,
        "rows": ours_rows,
        "seconds": round(ours_s, 1),
        "rows_per_second": round(ours_rows / ours_s),
        "peak_memory_gb": round(ours_gb, 2),
        "baseline": "DuckDB read_csv/read_parquet of the same files into tables",
        "baseline_rows": base_rows,
        "baseline_seconds": round(base_s, 1),
        "baseline_rows_per_second": round(base_rows / base_s),
        "ratio_to_baseline_throughput": round((ours_rows / ours_s) / (base_rows / base_s), 3),
        "targets": {"ratio_to_baseline_throughput": 0.5, "peak_memory_gb": 6},
    }

"""Ingest benchmark: landing the full-ICS synthetic extracts, validation included.

Baseline, in the same run on the same files: DuckDB's own read_csv / read_parquet of each source's
files into a table. Target (issue 4): at least half the DuckDB rows/s, and peak memory under 6 GB.
Each side runs in its own process, so peak memory is measured per side.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.child import in_child, peak_memory_gb
from pipelines.config import Settings, resources_from_environment
from pipelines.contracts.model import load_contracts
from pipelines.landing import land_all
from pipelines.landing.validation import ContractValidator
from pipelines.synthetic.generate import generate


def generate_extracts(out: Path, persons: int) -> None:
    """The synthetic extracts, written in a process of their own (the generator's memory is freed
    before anything is measured)."""
    in_child(generate, out, persons)


def settings_for(landing_dir: Path, data_dir: Path) -> Settings:
    """Settings for a benchmark's own folders; DuckDB's and dbt's resources as configured
    (PH_DUCKDB_MEMORY_LIMIT and the others, else their defaults)."""
    return Settings(data_dir=data_dir, duckdb_path=data_dir / "warehouse.duckdb",
                    landing_dir=landing_dir, quarantine_dir=data_dir / "quarantine",
                    reports_dir=data_dir / "reports", dbt_target="dev",
                    **resources_from_environment())


def land_everything(settings: Settings) -> tuple[float, int, float]:
    """Seconds, rows loaded and peak memory (GB) of landing every source's files."""
    settings.ensure_dirs()
    validator = ContractValidator()
    validator.start()  # GX start-up (~3 s) is not ingest throughput
    start = time.perf_counter()
    batches = land_all(settings, load_contracts().values(), validator)
    return time.perf_counter() - start, sum(b.rows_loaded for b in batches), peak_memory_gb()


def duckdb_reads(extracts: Path, warehouse: Path) -> tuple[float, int, float]:
    """The baseline: seconds, rows and peak memory of DuckDB reading each source's files into a
    table, durable on disk when it returns (as the pipeline's landing is)."""
    con = duckdb.connect(str(warehouse))
    start = time.perf_counter()
    rows = 0
    for folder in sorted(p for p in extracts.iterdir() if p.is_dir()):
        files = sorted(folder.iterdir())
        reader = "read_parquet" if files[0].suffix == ".parquet" else "read_csv"
        con.execute(f"create table {folder.name} as select * from "
                    f"{reader}('{folder}/*{files[0].suffix}', union_by_name = true)")
        rows += con.execute(f"select count(*) from {folder.name}").fetchone()[0]
    con.close()
    return time.perf_counter() - start, rows, peak_memory_gb()


def run(persons: int = 1_200_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        extracts, work = Path(tmp) / "extracts", Path(tmp) / "work"
        work.mkdir()
        generate_extracts(extracts, persons)
        base_s, base_rows, base_gb = in_child(duckdb_reads, extracts, work / "baseline.duckdb")
        ours_s, ours_rows, ours_gb = in_child(land_everything, settings_for(extracts, work))
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

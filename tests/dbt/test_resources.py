"""DuckDB's resources reach dbt's connection: the memory limit it spills past, its threads and its
temporary folder are the configured ones (pipelines/config.py, profiles.yml), not DuckDB's defaults
(80% of the machine's memory)."""

from __future__ import annotations

from dbt.cli.main import dbtRunner

from pipelines.config import load_settings
from pipelines.warehouse.dbt import _release_duckdb, dbt_command


def test_dbt_opens_duckdb_with_the_configured_memory_limit_threads_and_spill_folder(ph_env, monkeypatch):
    monkeypatch.setenv("PH_DUCKDB_MEMORY_LIMIT", "1500MB")
    monkeypatch.setenv("PH_DUCKDB_THREADS", "1")
    monkeypatch.setenv("PH_DUCKDB_TEMP_DIR", str(ph_env.data_dir / "spill"))
    settings = load_settings()  # ph_env's folders, these resources
    query = ("select current_setting('memory_limit') as memory, current_setting('threads') as threads, "
             "current_setting('temp_directory') as spill")
    try:  # `dbt show` returns its rows (run_dbt, the pipeline's path, keeps only node results)
        result = dbtRunner().invoke(["--quiet", *dbt_command(settings, ["show", "--inline", query])])
    finally:
        _release_duckdb()
    assert result.success, result.exception
    (memory, threads, spill), = [tuple(row) for row in result.result.results[0].agate_table.rows]
    # DuckDB reports 1500 MB (10^6 bytes) in GiB
    assert (memory, threads, spill) == ("1.3 GiB", 1, str(ph_env.data_dir / "spill"))

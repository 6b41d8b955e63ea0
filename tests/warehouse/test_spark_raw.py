"""The raw layer exported for Spark: Parquet by source and batch, each batch written once, the
ledger beside it (pipelines/warehouse/spark_raw.py). DuckDB reads the export here, as Spark would:
hive partitioning by _batch_id."""

from __future__ import annotations

import dataclasses

import duckdb

from pipelines.warehouse.spark_raw import OPS_TABLES, export_raw, raw_export_dir
from tests.conftest import ops_source_tables


def _warehouse(settings, batches: dict[str, int]) -> None:
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.duckdb_path)) as con:
        con.execute("create schema if not exists raw; create schema if not exists ops")
        con.execute("create or replace table raw.gp_events (person_id varchar, code bigint, "
                    "_batch_id varchar, _row_number bigint)")
        for batch, rows in batches.items():
            con.execute("insert into raw.gp_events select 'p' || i, i, ?, i from range(?) t(i)",
                        [batch, rows])
        con.execute("create or replace table ops.ingest_batches as select unnest(?) as batch_id",
                    [list(batches)])
        con.execute("create or replace table ops.data_quality as select 1 as measure")


def _read(folder) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(
            f"select _batch_id, count(*) from read_parquet('{folder}/**/*.parquet', "
            "hive_partitioning = true, hive_types_autocast = false) group by 1 order by 1").fetchall()


def test_each_batch_is_a_partition_written_once_and_the_ledger_beside_it(ph_env):
    settings = dataclasses.replace(ph_env, spark_dir=ph_env.data_dir / "spark")
    # a batch id of digits only stays a string (Spark is told not to infer partition types)
    _warehouse(settings, {"a1b2": 3, "0042": 2})
    first = export_raw(settings)
    folder = raw_export_dir(settings) / "raw" / "gp_events"
    assert (first.batches_written, first.batches_kept, first.batches_removed) == (2, 0, 0)
    assert _read(folder) == [("0042", 2), ("a1b2", 3)]  # the __schema__ partition has no rows
    assert (folder / "_batch_id=__schema__" / "part-0.parquet").is_file()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # nothing half-written
    # the batch id lives in the folder name only (Spark refuses a column in both)
    with duckdb.connect() as con:
        columns = [r[0] for r in con.execute(
            f"describe select * from read_parquet('{folder}/_batch_id=a1b2/part-0.parquet', "
                "hive_partitioning = false)").fetchall()]
    assert columns == ["person_id", "code", "_row_number"]
    ledger = raw_export_dir(settings) / "ops" / "ingest_batches" / "part-0.parquet"
    with duckdb.connect() as con:
        assert con.execute(f"select count(*) from '{ledger}'").fetchone()[0] == 2

    # a second export writes only new batches, and drops one the warehouse no longer has
    _warehouse(settings, {"a1b2": 3, "c3": 1})
    second = export_raw(settings)
    assert (second.batches_written, second.batches_kept, second.batches_removed) == (1, 1, 1)
    assert _read(folder) == [("a1b2", 3), ("c3", 1)]


def test_every_ops_source_spark_declares_is_exported():
    """Spark declares each source over its export (macro register_raw_sources) and refuses a build
    whose folder is missing; an ops table it is not given says so (meta on_spark: false)."""
    on_spark = {name for name, table in ops_source_tables().items()
                if table.get("config", {}).get("meta", {}).get("on_spark", True)}
    assert on_spark == set(OPS_TABLES)

"""Build the dbt project on Spark (``pophealth build --engine spark``), and hand its published
layer back to the reports.

1. The raw layer is exported as Parquet by source and batch (pipelines/warehouse/spark_raw.py).
2. dbt builds the project with the Spark target (profiles.yml ``spark``: a session in this process,
   its warehouse and metastore under PH_SPARK_DIR); Python models run in that session
   (pipelines/warehouse/spark_session_models.py).
3. Spark's published tables are copied into a DuckDB file of their own (Settings.published_path),
   written beside it and renamed into place only when the whole build passed, so the reports read
   Spark's figures exactly as they read DuckDB's, and a failed build leaves the last good copy.

Spark's own warehouse is rebuilt in place (dbt-spark replaces each table as it builds it): after a
failed build it holds a mix, and the next build replaces it; what the reports read is the copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.warehouse.connection import connect
from pipelines.warehouse.spark_raw import export_raw

PUBLISHED_SCHEMA = "published"


def spark_schema_dir(settings: Settings, schema: str) -> Path:
    """Where Spark keeps a schema's managed tables, a folder each."""
    return settings.spark_root / "warehouse" / f"{schema}.db"


def spark_tables(settings: Settings, schema: str) -> list[str]:
    folder = spark_schema_dir(settings, schema)
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def spark_table_scan(settings: Settings, schema: str, table: str) -> str:
    """DuckDB's scan of every data file of a Spark table (partitioned or not)."""
    files = str(spark_schema_dir(settings, schema) / table / "**" / "*.parquet").replace("'", "''")
    return f"read_parquet('{files}', hive_partitioning = true)"


def hand_back_published(settings: Settings) -> Path:
    """Copy Spark's published tables into the DuckDB file the reports read."""
    target = settings.published_path
    writing = target.parent.with_name(target.parent.name + ".writing") / target.name
    shutil.rmtree(writing.parent, ignore_errors=True)
    with connect(writing) as con:
        con.execute(f"create schema {PUBLISHED_SCHEMA}")
        for table in spark_tables(settings, PUBLISHED_SCHEMA):
            con.execute(f'create table {PUBLISHED_SCHEMA}."{table}" as '
                        f"select * from {spark_table_scan(settings, PUBLISHED_SCHEMA, table)}")
        # Spark's timestamps are instants (Parquet's "adjusted to UTC", read as TIMESTAMPTZ); the
        # published layer's are UTC wall-clock times, as on DuckDB (built_at_utc)
        con.execute("set TimeZone = 'UTC'")
        for table, column in con.execute(
                "select table_name, column_name from information_schema.columns where "
                "table_schema = ? and data_type = 'TIMESTAMP WITH TIME ZONE'",
                [PUBLISHED_SCHEMA]).fetchall():
            con.execute(f'alter table {PUBLISHED_SCHEMA}."{table}" alter column "{column}" '
                        "set data type timestamp")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(writing, target)
    shutil.rmtree(writing.parent, ignore_errors=True)
    return target


def stop_spark() -> None:
    """End the build's Spark session (its JVM stays for the next one in this process)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return
    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def build_on_spark(settings: Settings, extra_args: list[str] | None = None,
                   project_dir: Path = DBT_PROJECT_DIR):
    from pipelines.warehouse.dbt import WITHOUT_UNIT_TESTS, run_dbt
    from pipelines.warehouse.spark_session_models import register

    export_raw(settings)
    register()
    try:
        # never the unit tests (as on DuckDB by default): `make test` runs them on Spark too, all
        # but three whose fixtures a local Spark 4.3 session cannot run (tests/dbt/test_cross_engine.py)
        run = run_dbt(settings, ["build", *WITHOUT_UNIT_TESTS, *(extra_args or [])],
                      project_dir=project_dir)
    finally:
        stop_spark()
    hand_back_published(settings)
    return run

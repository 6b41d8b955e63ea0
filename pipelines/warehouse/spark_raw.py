"""The raw layer as Parquet, for the Spark target: what landing loaded into DuckDB, per source and
batch, with the ledger beside it (docs/running-on-spark.md).

Layout, under ``<PH_SPARK_DIR>/raw/``::

    raw/<source>/_batch_id=<batch>/part-0.parquet   every loaded batch, one folder each
    raw/<source>/_batch_id=__schema__/part-0.parquet  no rows: the table's columns, always there
    ops/<table>/part-0.parquet                       the ledger and the data-quality measures

The dbt project declares these as its raw and ops sources on Spark (macro register_raw_sources).
A loaded batch never changes, so its folder is written once; each folder (and each ops file)
is written beside its final name and renamed into place, so Spark never reads half a batch. A
batch no longer in the warehouse (the warehouse was rebuilt from scratch) is removed. The
landing flow and the DuckDB warehouse are unchanged: DuckDB stays the record of what was loaded.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.landing.raw import RAW_SCHEMA
from pipelines.warehouse.connection import connect

BATCH_COLUMN = "_batch_id"
SCHEMA_BATCH = "__schema__"  # zero rows: Spark takes a table's columns from its files
OPS_TABLES = ("ingest_batches", "data_quality")


@dataclass(frozen=True)
class RawExport:
    batches_written: int
    batches_kept: int
    batches_removed: int


def raw_export_dir(settings: Settings) -> Path:
    return settings.spark_root / "raw"


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, params=None) -> None:
    """Write ``query``'s rows to ``target`` (a Parquet file), through a hidden name beside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    writing = target.with_name("." + target.name + ".writing")
    path = str(writing).replace("'", "''")
    con.execute(f"copy ({query}) to '{path}' (format parquet)", params or [])
    os.replace(writing, target)


def export_raw(settings: Settings) -> RawExport:
    root = raw_export_dir(settings)
    written = kept = removed = 0
    with connect(settings.duckdb_path, read_only=True, config=settings.duckdb_config) as con:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1",
            [RAW_SCHEMA]).fetchall()]
        for table in tables:
            source = f'{RAW_SCHEMA}."{table}"'
            folder = root / RAW_SCHEMA / table
            wanted = {row[0] for row in con.execute(f"select distinct {BATCH_COLUMN} from {source}")
                      .fetchall()}
            present = {p.name.removeprefix(f"{BATCH_COLUMN}=") for p in folder.glob(f"{BATCH_COLUMN}=*")}
            columns = f"select * exclude ({BATCH_COLUMN}) from {source}"
            _copy(con, f"{columns} limit 0", folder / f"{BATCH_COLUMN}={SCHEMA_BATCH}" / "part-0.parquet")
            for batch in sorted(wanted - present):
                staging = folder / f".writing-{batch}"
                shutil.rmtree(staging, ignore_errors=True)
                _copy(con, f"{columns} where {BATCH_COLUMN} = ?", staging / "part-0.parquet", [batch])
                os.replace(staging, folder / f"{BATCH_COLUMN}={batch}")
                written += 1
            for batch in present - wanted - {SCHEMA_BATCH}:
                shutil.rmtree(folder / f"{BATCH_COLUMN}={batch}")
                removed += 1
            kept += len(wanted & present)
        for table in OPS_TABLES:
            _copy(con, f"select * from ops.{table}", root / "ops" / table / "part-0.parquet")
    return RawExport(written, kept, removed)

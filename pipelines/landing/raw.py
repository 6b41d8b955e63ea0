"""The raw layer: ``raw.<source>`` holds every row of every loaded batch, typed by the contract and
tagged with its batch, its row number in the file and its data-quality flags.

A chunk's accepted batches are loaded with their ledger rows in one DuckDB transaction, so a crash
leaves the warehouse as it was and a re-run loads them again from the landing folder.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from pipelines.contracts.model import Contract
from pipelines.landing.batch import Batch, BatchStatus, record
from pipelines.landing.scratch import FILE_COLUMN, FLAGS_COLUMN, LANDED

RAW_SCHEMA = "raw"
# Columns the pipeline adds to every raw row.
LINEAGE_COLUMNS = {"_batch_id": "VARCHAR", "_row_number": "BIGINT", "_dq_flags": "VARCHAR"}


def ensure_raw_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    columns = [(c.raw_name, c.type) for c in contract.columns] + list(LINEAGE_COLUMNS.items())
    ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
    con.execute(f'create table if not exists {RAW_SCHEMA}."{contract.id}" ({ddl})')
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, contract.id],
        ).fetchall()
    }
    for name, sql_type in columns:  # a contract that gained a column: older batches hold NULL
        if name not in existing:
            con.execute(f'alter table {RAW_SCHEMA}."{contract.id}" add column "{name}" {sql_type}')


def load(con: duckdb.DuckDBPyConnection, contract: Contract, batches: list[Batch]) -> None:
    """Load the VALIDATED batches' rows from `landed` into the raw table, cast to the contract's
    types, and their ledger rows, in one transaction: each file is in the warehouse whole, with its
    ledger row, or not at all. One INSERT for all of them (DuckDB parallelises a large insert, not
    many small ones); a file's rows are contiguous in `landed`, so its row numbers come from the
    rowid."""
    if not batches:
        return
    files = pa.table({"file": [b.landed_name for b in batches],
                      "batch_id": [b.batch_id for b in batches],
                      "first_row": [b.validation.first_row for b in batches]})
    casts = ", ".join(f'cast(l."{c.raw_name}" as {c.type})' for c in contract.columns)
    con.register("loading_files", files)
    con.execute("begin transaction")
    try:
        con.execute(
            f'insert into {RAW_SCHEMA}."{contract.id}" select {casts}, f.batch_id, '
            f"l.rowid - f.first_row + 1, l.{FLAGS_COLUMN} from {LANDED} l "
            f"join loading_files f on l.{FILE_COLUMN} = f.file")
        for batch in batches:
            flags = batch.validation.flags
            batch.message = "; ".join(f"{r.rule.name}: {r.failing_count} row(s) flagged"
                                      for r in flags)
            batch.rows_loaded, batch.rows_flagged = batch.rows_read, batch.validation.rows_flagged
            batch.status = BatchStatus.LOADED
            record(con, batch)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("loading_files")

"""The raw layer: ``raw.<source>`` holds every row of every loaded batch, typed by the contract and
tagged with its batch, its place in the order of deliveries, its row number in the file and its
data-quality flags.

A chunk's accepted batches are loaded with their ledger rows in one DuckDB transaction, so a crash
leaves the warehouse as it was and a re-run loads them again from the landing folder.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.contracts.model import Contract
from pipelines.errors import storage_error
from pipelines.landing.batch import Batch, BatchStatus, record
from pipelines.landing.scratch import FILE_COLUMN, FLAGS_COLUMN, LANDED

RAW_SCHEMA = "raw"
# Columns the pipeline adds to every raw row. _delivery_seq is the batch's place in the order of
# deliveries (the ledger's delivery_seq): of two versions of a record with the same extract date,
# the later delivery wins (dbt macro latest_versions).
LINEAGE_COLUMNS = {"_batch_id": "VARCHAR", "_row_number": "BIGINT", "_dq_flags": "VARCHAR",
                   "_delivery_seq": "BIGINT"}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_raw_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create the source's raw table, or add the columns it lacks: a column the contract gained
    holds NULL for older batches; ``_delivery_seq`` is filled in from the ledger (which must exist)."""
    table = f'{RAW_SCHEMA}."{contract.id}"'
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    columns = [(c.raw_name, c.type) for c in contract.columns] + list(LINEAGE_COLUMNS.items())
    ddl = ", ".join(f"{_quoted(name)} {sql_type}" for name, sql_type in columns)
    con.execute(f"create table if not exists {table} ({ddl})")
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, contract.id],
        ).fetchall()
    }
    for name, sql_type in columns:
        if name in existing:
            continue
        con.execute("begin transaction")
        try:
            con.execute(f"alter table {table} add column {_quoted(name)} {sql_type}")
            if name == "_delivery_seq":  # rows landed before the sequence: their batch's number
                con.execute(f"update {table} set _delivery_seq = ledger.delivery_seq "
                            f"from ops.ingest_batches ledger where {table}._batch_id = ledger.batch_id")
            con.execute("commit")
        except BaseException:
            _rollback(con)
            raise


def load(con: duckdb.DuckDBPyConnection, contract: Contract, batches: list[Batch],
         warehouse: Path) -> None:
    """Load the VALIDATED batches' rows from `landed` into the raw table, cast to the contract's
    types, and their ledger rows, in one transaction: each file is in the warehouse whole, with its
    ledger row, or not at all. One INSERT for all of them (DuckDB parallelises a large insert, not
    many small ones); a file's rows are contiguous in `landed`, so its row numbers come from the
    rowid. A full disk (or a warehouse that cannot be written) is a StorageError naming
    ``warehouse``; anything else is raised as it is, after the rollback."""
    if not batches:
        return
    files = pa.table({"file": [b.landed_name for b in batches],
                      "batch_id": [b.batch_id for b in batches],
                      "delivery_seq": pa.array([b.delivery_seq for b in batches], pa.int64()),
                      "first_row": [b.validation.first_row for b in batches]})
    targets = [c.raw_name for c in contract.columns] + list(LINEAGE_COLUMNS)
    values = [f'cast(l.{_quoted(c.raw_name)} as {c.type})' for c in contract.columns] + [
        "f.batch_id", "l.rowid - f.first_row + 1", f"l.{FLAGS_COLUMN}", "f.delivery_seq"]
    con.register("loading_files", files)
    try:
        con.execute("begin transaction")
        con.execute(
            f'insert into {RAW_SCHEMA}."{contract.id}" ({", ".join(map(_quoted, targets))}) '
            f"select {', '.join(values)} from {LANDED} l "
            f"join loading_files f on l.{FILE_COLUMN} = f.file")
        for batch in batches:
            flags = batch.validation.flags
            batch.message = "; ".join(f"{r.rule.name}: {r.failing_count} row(s) flagged"
                                      for r in flags)
            batch.rows_loaded, batch.rows_flagged = batch.rows_read, batch.validation.rows_flagged
            batch.status = BatchStatus.LOADED
            record(con, batch)
        con.execute("commit")
    except BaseException as error:
        _rollback(con)
        for batch in batches:  # nothing of them was loaded
            batch.status, batch.rows_loaded, batch.rows_flagged = BatchStatus.VALIDATED, 0, 0
        storage = storage_error(error, warehouse, "no file of this chunk was loaded")
        if storage is not None:
            raise storage from None
        raise
    finally:
        con.unregister("loading_files")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, without letting a failed rollback hide why: after an I/O error DuckDB has already
    ended the transaction ("cannot rollback - no transaction is active")."""
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass

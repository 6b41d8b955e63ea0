"""The batch ledger ``ops.ingest_batches``: one row per delivered file the pipeline has seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

LEDGER_DDL = """
create schema if not exists ops;
create table if not exists ops.ingest_batches (
    batch_id      varchar primary key,
    source        varchar not null,
    file_name     varchar not null,
    sha256        varchar not null,
    received_at   timestamp not null,
    rows_read     bigint,
    rows_loaded   bigint,
    rows_flagged  bigint,
    status        varchar not null check (status in ('loaded', 'quarantined', 'duplicate')),
    message       varchar
);
"""


@dataclass(frozen=True)
class Batch:
    batch_id: str
    source: str
    file_name: str
    sha256: str
    received_at: datetime
    rows_read: int | None
    rows_loaded: int
    rows_flagged: int
    status: str
    message: str


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(LEDGER_DDL)


def record(con: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    con.execute(
        "insert into ops.ingest_batches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [batch.batch_id, batch.source, batch.file_name, batch.sha256, batch.received_at,
         batch.rows_read, batch.rows_loaded, batch.rows_flagged, batch.status, batch.message],
    )


def seen_files(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """(source, file name, sha256) of every file already loaded or recognised as a duplicate."""
    rows = con.execute(
        "select source, file_name, sha256 from ops.ingest_batches "
        "where status in ('loaded', 'duplicate')"
    ).fetchall()
    return set(rows)


def loaded_hashes(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(source, sha256) → batch id, for content already in the raw layer."""
    rows = con.execute(
        "select source, sha256, batch_id from ops.ingest_batches where status = 'loaded'"
    ).fetchall()
    return {(source, sha): batch_id for source, sha, batch_id in rows}

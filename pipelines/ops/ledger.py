"""The batch ledger ``ops.ingest_batches``: one row per delivered file the pipeline has seen.

A file's status follows it through landing (``BatchStatus``); the ledger stores only where it ended
up when that changes the warehouse or must be remembered: loaded, quarantined or a duplicate. A
file found already in the ledger ends "already loaded" and gets no second row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import duckdb

from pipelines.warehouse.connection import sql_list


class BatchStatus(StrEnum):
    """Where a delivered file (a batch) is in its life: identified → read → validated → one of the
    four ends. The values are the strings the ledger stores."""

    IDENTIFIED = "identified"  # hashed, new content: to be read
    READ = "read"  # its rows are in the scratch table
    VALIDATED = "validated"  # checked against its contract, not yet loaded or refused
    LOADED = "loaded"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"  # same content as a batch already held, under another file name
    ALREADY_LOADED = "already_loaded"  # this very file is in the ledger: nothing to do

    @property
    def stored(self) -> bool:
        """Whether the ledger keeps a row for a batch that ended here."""
        return self in STORED


STORED = (BatchStatus.LOADED, BatchStatus.QUARANTINED, BatchStatus.DUPLICATE)


DDL = f"""
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
    status        varchar not null check (status in ({sql_list(STORED)})),
    message       varchar
);
"""


@dataclass(frozen=True)
class LedgerRow:
    """A row read back from the ledger (the landing's live record is ``landing.batch.Batch``)."""

    batch_id: str
    source: str
    file_name: str
    sha256: str
    received_at: datetime
    rows_read: int | None
    rows_loaded: int
    rows_flagged: int
    status: BatchStatus
    message: str | None


@dataclass(frozen=True)
class SourceLoads:
    files: int
    rows: int
    latest_file: str | None
    files_quarantined: int = 0


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def record_batch(con: duckdb.DuckDBPyConnection, *, batch_id: str, source: str, file_name: str,
                 sha256: str, received_at: datetime, status: BatchStatus, rows_read: int | None,
                 rows_loaded: int, rows_flagged: int, message: str) -> None:
    if not status.stored:
        raise ValueError(f"the ledger does not keep batches that ended {status.value!r}")
    con.execute(
        "insert into ops.ingest_batches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [batch_id, source, file_name, sha256, received_at, rows_read, rows_loaded, rows_flagged,
         status.value, message],
    )


def seen_files(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """(source, file name, sha256) of every file already loaded or recognised as a duplicate."""
    rows = con.execute(
        "select source, file_name, sha256 from ops.ingest_batches where status in (?, ?)",
        [BatchStatus.LOADED.value, BatchStatus.DUPLICATE.value],
    ).fetchall()
    return set(rows)


def loaded_hashes(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(source, sha256) → batch id, for content already in the raw layer."""
    rows = con.execute(
        "select source, sha256, batch_id from ops.ingest_batches where status = ?",
        [BatchStatus.LOADED.value],
    ).fetchall()
    return {(source, sha): batch_id for source, sha, batch_id in rows}


def rows(con: duckdb.DuckDBPyConnection, source: str | None = None,
         status: BatchStatus | None = None) -> list[LedgerRow]:
    """The ledger in the order files were received, optionally for one source and/or status."""
    found = con.execute(
        "select batch_id, source, file_name, sha256, received_at, rows_read, rows_loaded, "
        "rows_flagged, status, message from ops.ingest_batches "
        "where (? is null or source = ?) and (? is null or status = ?) "
        "order by received_at, batch_id",
        [source, source, status and status.value, status and status.value],
    ).fetchall()
    return [LedgerRow(*row[:8], BatchStatus(row[8]), row[9]) for row in found]


def loaded_by_source(con: duckdb.DuckDBPyConnection) -> dict[str, SourceLoads]:
    """Per source: files loaded, their rows, the latest file name (names carry the month) and the
    files quarantined."""
    found = con.execute(
        "select source, count(*) filter (where status = ?), "
        "coalesce(sum(rows_loaded) filter (where status = ?), 0), "
        "max(file_name) filter (where status = ?), count(*) filter (where status = ?) "
        "from ops.ingest_batches group by 1",
        [BatchStatus.LOADED.value] * 3 + [BatchStatus.QUARANTINED.value]).fetchall()
    return {source: SourceLoads(files, int(rows), latest, quarantined)
            for source, files, rows, latest, quarantined in found}

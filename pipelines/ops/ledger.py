"""The batch ledger ``ops.ingest_batches``: one row per delivered file the pipeline has seen.

A file's status follows it through landing (``BatchStatus``); the ledger stores only where it ended
up when that changes the warehouse or must be remembered: loaded, quarantined or a duplicate. A
file found already in the ledger ends "already loaded" and gets no second row; a quarantined file
delivered again (same name and content, so the same batch id) is checked again and replaces its row.

``delivery_seq`` numbers the deliveries in the order the pipeline took them (an earlier run before
a later one; within a run, file-name order): of two versions of a record with the same extract
date, the later delivery wins (``latest_versions`` in dbt; data_contracts/README.md). Ledgers from
before the column get it numbered in the order their files were received.

``synthetic`` says whether the file came from a synthetic delivery (``pophealth demo-data`` left its
marker, ``config.SYNTHETIC_MARKER``, in the landing folder when the file was landed): the board pack
says its figures are synthetic from this, never from what the landing folder holds when it is
written. Rows from before the column hold NULL (not recorded) until the next landing settles them
(``settle_unrecorded_synthetic``).
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
    REFUSED = "refused"  # refused, but not in quarantine: it went away, or its folder was replaced

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
    message       varchar,
    delivery_seq  bigint,  -- the order of deliveries (NULL for a duplicate, which is never loaded)
    synthetic     boolean  -- a synthetic (demo) delivery; NULL: landed before this was recorded
);
"""
COLUMNS = ("batch_id", "source", "file_name", "sha256", "received_at", "rows_read", "rows_loaded",
           "rows_flagged", "status", "message", "delivery_seq", "synthetic")


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
    delivery_seq: int | None = None
    synthetic: bool | None = None


@dataclass(frozen=True)
class SourceLoads:
    files: int
    rows: int
    latest_file: str | None
    files_quarantined: int = 0


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    if not _has_column(con, "delivery_seq"):
        _add_delivery_seq(con)
    if not _has_column(con, "synthetic"):
        # NULL for the rows already there: nothing recorded whether they were synthetic
        con.execute("alter table ops.ingest_batches add column synthetic boolean")


def _has_column(con: duckdb.DuckDBPyConnection, column: str) -> bool:
    return con.execute(
        "select count(*) from information_schema.columns where table_schema = 'ops' and "
        "table_name = 'ingest_batches' and column_name = ?", [column]).fetchone()[0] > 0


def _add_delivery_seq(con: duckdb.DuckDBPyConnection) -> None:
    """A ledger from before the delivery sequence: number its batches in the order they were
    received (a run identified its files in name order, each at its own instant)."""
    con.execute("begin transaction")
    try:
        con.execute("alter table ops.ingest_batches add column delivery_seq bigint")
        con.execute(
            "update ops.ingest_batches set delivery_seq = numbered.seq from (select batch_id, "
            "row_number() over (order by received_at, file_name, batch_id) as seq "
            "from ops.ingest_batches where status <> ?) as numbered "
            "where ops.ingest_batches.batch_id = numbered.batch_id",
            [BatchStatus.DUPLICATE.value])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def settle_unrecorded_synthetic(con: duckdb.DuckDBPyConnection, synthetic: bool) -> None:
    """Rows landed before the ledger recorded synthetic deliveries take what the landing folder says
    now (its marker present or not): the only evidence left, and the answer the pack used to give
    (a demo warehouse keeps its caveat, a real one never gains it)."""
    con.execute("update ops.ingest_batches set synthetic = ? where synthetic is null", [synthetic])


def newest_delivery_seq(con: duckdb.DuckDBPyConnection) -> int:
    """The number of the newest delivery the ledger holds (0: none yet)."""
    return con.execute("select coalesce(max(delivery_seq), 0) from ops.ingest_batches"
                       ).fetchone()[0]


def next_delivery_seq(con: duckdb.DuckDBPyConnection) -> int:
    """The number the next new delivery takes (one writer at a time holds the warehouse)."""
    return newest_delivery_seq(con) + 1


def record_batch(con: duckdb.DuckDBPyConnection, *, batch_id: str, source: str, file_name: str,
                 sha256: str, received_at: datetime, status: BatchStatus, rows_read: int | None,
                 rows_loaded: int, rows_flagged: int, message: str,
                 delivery_seq: int | None = None, synthetic: bool = False) -> None:
    """Write the batch's row; a batch id already there (a quarantined file delivered again and
    checked again) has its row replaced."""
    if not status.stored:
        raise ValueError(f"the ledger does not keep batches that ended {status.value!r}")
    con.execute(
        f"insert or replace into ops.ingest_batches ({', '.join(COLUMNS)}) "
        f"values ({', '.join('?' for _ in COLUMNS)})",
        [batch_id, source, file_name, sha256, received_at, rows_read, rows_loaded, rows_flagged,
         status.value, message, delivery_seq, synthetic],
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
        f"select {', '.join(COLUMNS)} from ops.ingest_batches "
        "where (? is null or source = ?) and (? is null or status = ?) "
        "order by received_at, batch_id",
        [source, source, status and status.value, status and status.value],
    ).fetchall()
    return [LedgerRow(*row[:8], BatchStatus(row[8]), *row[9:]) for row in found]


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

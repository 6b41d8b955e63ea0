"""Run history: ``ops.runs`` (one row per refresh: what it loaded, built and published) and
``ops.run_batches`` (the batches each run's pack was built from), so a board figure can be traced
back to the delivered files through ``ops.ingest_batches``.

The writers take counts, batch ids and paths; how a run is summarised for people is the flow's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import duckdb

from pipelines.ops.ledger import BatchStatus, ensure_ledger
from pipelines.warehouse.connection import sql_list, table_exists


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class BatchRole(StrEnum):
    """How a batch took part in a run: loaded by it, or behind the pack it published."""

    LOADED = "loaded"
    PUBLISHED = "published"


DDL = f"""
create schema if not exists ops;
create table if not exists ops.runs (
    run_id          varchar primary key,  -- the Prefect flow run id
    flow            varchar not null,
    started_at      timestamp not null,
    finished_at     timestamp,
    status          varchar not null check (status in ({sql_list(RunStatus)})),
    message         varchar,
    full_refresh    boolean,
    files_loaded    integer,
    files_quarantined integer,
    rows_loaded     bigint,
    dbt_nodes       integer,
    pack_files      varchar   -- the board pack's files, comma-separated
);
create table if not exists ops.run_batches (
    run_id   varchar not null,
    batch_id varchar not null,
    role     varchar not null check (role in ({sql_list(BatchRole)}))
);
"""


@dataclass(frozen=True)
class Run:
    run_id: str
    flow: str
    started_at: datetime
    finished_at: datetime | None
    status: RunStatus
    message: str | None
    full_refresh: bool | None
    files_loaded: int | None
    files_quarantined: int | None
    rows_loaded: int | None
    dbt_nodes: int | None
    pack_files: tuple[str, ...]


RUN_COLUMNS = ("run_id", "flow", "started_at", "finished_at", "status", "message", "full_refresh",
               "files_loaded", "files_quarantined", "rows_loaded", "dbt_nodes", "pack_files")


def ensure_runs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, full_refresh: bool) -> None:
    ensure_runs(con)
    ensure_ledger(con)  # finish_run reads it, even when nothing was landed
    con.execute("insert or replace into ops.runs (run_id, flow, started_at, status, full_refresh) "
                "values (?, ?, ?, ?, ?)",
                [run_id, flow, datetime.now(), RunStatus.RUNNING.value, full_refresh])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, *, failure: str | None,
               loaded_batch_ids: list[str], files_quarantined: int, rows_loaded: int,
               dbt_nodes: int | None, pack_files: list[Path]) -> None:
    """Record the outcome; when a pack was published (``pack_files``), link the run to every batch
    it was built from (all batches loaded in the warehouse at that point) and mark those it loaded."""
    ensure_runs(con)
    status = RunStatus.FAILED if failure else RunStatus.COMPLETED
    con.execute(
        "update ops.runs set finished_at = ?, status = ?, message = ?, files_loaded = ?, "
        "files_quarantined = ?, rows_loaded = ?, dbt_nodes = ?, pack_files = ? where run_id = ?",
        [datetime.now(), status.value, failure, len(loaded_batch_ids), files_quarantined,
         rows_loaded, dbt_nodes, ",".join(p.name for p in pack_files) or None, run_id])
    con.execute("delete from ops.run_batches where run_id = ?", [run_id])
    if loaded_batch_ids:
        con.executemany("insert into ops.run_batches values (?, ?, ?)",
                        [[run_id, batch_id, BatchRole.LOADED.value] for batch_id in loaded_batch_ids])
    if pack_files:
        con.execute("insert into ops.run_batches select ?, batch_id, ? from ops.ingest_batches "
                    "where status = ?", [run_id, BatchRole.PUBLISHED.value, BatchStatus.LOADED.value])


def runs(con: duckdb.DuckDBPyConnection, run_id: str | None = None, latest: int | None = None
         ) -> list[Run]:
    """Recorded runs, newest first (one run by id, or the latest few); none before the first run."""
    if not table_exists(con, "ops", "runs"):
        return []
    found = con.execute(
        f"select {', '.join(RUN_COLUMNS)} from ops.runs where (? is null or run_id = ?) "
        "order by started_at desc limit ?", [run_id, run_id, latest]).fetchall()
    return [Run(*row[:4], RunStatus(row[4]), *row[5:11], tuple(row[11].split(",")) if row[11]
                else ()) for row in found]


def run_batch_ids(con: duckdb.DuckDBPyConnection, run_id: str, role: BatchRole) -> set[str]:
    return {row[0] for row in con.execute(
        "select batch_id from ops.run_batches where run_id = ? and role = ?",
        [run_id, role.value]).fetchall()}

"""Run history in the warehouse: ``ops.runs`` (one row per refresh: what it loaded, built and
published) and ``ops.run_batches`` (the batches each run's pack was built from), so a board figure
can be traced back to the delivered files through ``ops.ingest_batches``."""

from __future__ import annotations

from datetime import datetime

from pipelines.config import Settings
from pipelines.flows.summary import RunSummary
from pipelines.ingest.ledger import ensure_ledger
from pipelines.warehouse.connection import connect

DDL = """
create schema if not exists ops;
create table if not exists ops.runs (
    run_id          varchar primary key,  -- the Prefect flow run id
    flow            varchar not null,
    started_at      timestamp not null,
    finished_at     timestamp,
    status          varchar not null check (status in ('running', 'completed', 'failed')),
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
    role     varchar not null check (role in ('loaded', 'published'))
);
"""


def start_run(settings: Settings, run_id: str, flow: str, full_refresh: bool) -> None:
    with connect(settings.duckdb_path) as con:
        con.execute(DDL)
        ensure_ledger(con)
        con.execute("insert or replace into ops.runs (run_id, flow, started_at, status, full_refresh) "
                    "values (?, ?, ?, 'running', ?)", [run_id, flow, datetime.now(), full_refresh])


def finish_run(settings: Settings, run_id: str, summary: RunSummary) -> None:
    """Record the outcome; when a pack was published, link it to every batch it was built from
    (all batches loaded in the warehouse at that point) and mark those this run loaded."""
    loaded = [b for b in summary.batches if b.status == "loaded"]
    with connect(settings.duckdb_path) as con:
        con.execute(DDL)
        con.execute(
            "update ops.runs set finished_at = ?, status = ?, message = ?, files_loaded = ?, "
            "files_quarantined = ?, rows_loaded = ?, dbt_nodes = ?, pack_files = ? "
            "where run_id = ?",
            [datetime.now(), "failed" if summary.failure else "completed", summary.failure,
             len(loaded), len(summary.quarantined), sum(b.rows_loaded for b in loaded),
             len(summary.dbt.nodes) if summary.dbt else None,
             ",".join(p.name for p in summary.reports) or None, run_id])
        con.execute("delete from ops.run_batches where run_id = ?", [run_id])
        if loaded:
            con.executemany("insert into ops.run_batches values (?, ?, 'loaded')",
                            [[run_id, b.batch_id] for b in loaded])
        if summary.reports:
            con.execute("insert into ops.run_batches select ?, batch_id, 'published' "
                        "from ops.ingest_batches where status = 'loaded'", [run_id])

"""Flow: the monthly refresh — ingest (each file validated against its contract) → dbt build → report.

A quarantined extract or a failed build stops the run before anything downstream changes, so the
warehouse marts and the published board pack keep their last good state. The run ends Failed with a
message naming the file, rule and column (no traceback), and publishes the same summary either way.
"""

from __future__ import annotations

import uuid
from datetime import UTC

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from pipelines.config import load_settings
from pipelines.errors import PipelineError, StorageError, UsageError
from pipelines.flows.build import dbt_build_task
from pipelines.flows.ingest import ingest
from pipelines.flows.report import write_board_pack_task, write_model_docs_task
from pipelines.flows.summary import RunSummary
from pipelines.landing.batch import BatchStatus
from pipelines.ops import ledger, runs
from pipelines.warehouse.connection import connect, table_exists
from pipelines.warehouse.dbt import DbtFailed
from pipelines.warehouse.lock import writing
from pipelines.warehouse.storage import storage_errors


def _start(run_id: str, full_refresh: bool) -> None:
    settings = load_settings()
    with storage_errors(settings.duckdb_path.parent, "the refresh did not start"), \
            connect(settings.duckdb_path, config=settings.duckdb_config) as con:
        runs.start_run(con, run_id, "refresh", full_refresh)


def _finish(summary: RunSummary, run_id: str):
    settings = load_settings()
    try:
        with storage_errors(settings.duckdb_path.parent, f"run {run_id} stays 'running' in "
                            "ops.runs"), connect(settings.duckdb_path, config=settings.duckdb_config) as con:
            runs.finish_run(
                con, run_id, failure=summary.failure,
                loaded_batch_ids=[b.batch_id for b in summary.loaded],
                files_quarantined=len(summary.quarantined),
                rows_loaded=sum(b.rows_loaded for b in summary.loaded),
                dbt_nodes=len(summary.dbt.nodes) if summary.dbt else None,
                pack_files=summary.reports)
    except StorageError as failure:  # no room even for the record: say so, and fail the run
        summary.failure = summary.failure or str(failure)
        summary.notes.append(f"Run {run_id} could not be recorded in ops.runs: {failure}")
    else:
        summary.notes.append(f"Run {run_id} recorded in ops.runs (its batches: ops.run_batches).")
    markdown = summary.to_markdown()
    print(markdown)
    create_markdown_artifact(key="refresh-summary", markdown=markdown,
                             description="Monthly refresh: extracts, dbt build, reports")
    if summary.failure:
        return Failed(message=summary.failure, data=summary)
    return Completed(message=summary.unchanged or "refresh complete", data=summary)


def _nothing_new(summary: RunSummary) -> str | None:
    """Why there is nothing to rebuild, or None: no file was loaded by this run and every loaded
    batch is already in the published layer (a build that failed after its files were loaded
    leaves batches to build)."""
    if summary.loaded:
        return None
    settings = load_settings()
    with connect(settings.duckdb_path, read_only=True, config=settings.duckdb_config) as con:
        loaded = ledger.rows(con, status=BatchStatus.LOADED)
        if not loaded:
            raise UsageError(f"the landing folder {settings.landing_dir} holds no file to load and "
                             "nothing has been loaded before: check PH_LANDING_DIR, or write the "
                             "demo extracts with `pophealth demo-data`")
    if not settings.published_path.is_file():
        return None  # never built by this engine
    # the engine's published layer
    with connect(settings.published_path, read_only=True, config=settings.duckdb_config) as con:
        if not all(table_exists(con, "published", t) for t in ("source_batches", "build_info")):
            return None  # never built (or built before the build time was recorded)
        built = con.execute("select sum(files_loaded) from published.source_batches").fetchall()
        built_at = con.execute("select max(built_at_utc) from published.build_info").fetchall()
    if (built[0][0] or 0) < len(loaded):
        return None
    latest = max(loaded, key=lambda row: row.received_at)
    built_locally = built_at[0][0].replace(tzinfo=UTC).astimezone()  # the ledger's clock is local
    return (f"no new data since {latest.received_at:%d %B %Y %H:%M} (last file loaded: "
            f"{latest.file_name}); the warehouse was not rebuilt and the board pack keeps its "
            f"figures, built {built_locally:%d %B %Y %H:%M}")


@flow(name="refresh", log_prints=True)
def refresh(sources: list[str] | None = None, full_refresh: bool = False):
    # The whole run holds the warehouse (one writer at a time: pipelines/warehouse/lock.py); the
    # ingest flow and the build take the same lock again, which its holder may.
    with writing(load_settings(), "refresh"):
        summary = RunSummary(title="Monthly refresh")
        run_id = str(flow_run.id or uuid.uuid4())
        _start(run_id, full_refresh)
        try:
            return _refresh(summary, run_id, sources, full_refresh)
        except PipelineError as error:  # recorded as the run's failure, then reported by the caller
            summary.failure = str(error)
            _finish(summary, run_id)
            raise


def _refresh(summary: RunSummary, run_id: str, sources: list[str] | None, full_refresh: bool):
    ingested = ingest(sources)
    summary.batches = ingested.batches
    if ingested.failed:
        summary.failure = (
            f"{len(ingested.refused)} extract(s) refused (quarantined, or gone before they could be) "
            f"and {len(ingested.unexpected)} unexpected entry(ies) in the landing folder; the build "
            "and reports were not run. " + " | ".join(ingested.problems()))
        return _finish(summary, run_id)
    if not full_refresh:
        unchanged = _nothing_new(summary)
        if unchanged:
            summary.unchanged = unchanged
            if not (load_settings().reports_dir / "index.html").exists():
                summary.reports = write_board_pack_task()  # from the same figures, stamped as built
            return _finish(summary, run_id)
    try:
        summary.dbt = dbt_build_task(full_refresh=full_refresh)
    except DbtFailed as failure:
        summary.failure = f"{failure} — the warehouse keeps its last good state"
        summary.dbt_nodes_failed = [n.name for n in failure.nodes
                                    if n.status in ("error", "fail", "runtime error")]
        return _finish(summary, run_id)
    summary.reports = write_board_pack_task() + [write_model_docs_task()]
    return _finish(summary, run_id)

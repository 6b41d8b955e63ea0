"""Flows: write the board pack from the published schema; build the dbt docs page beside it."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from pipelines.config import load_settings
from pipelines.flows.retries import IO_RETRIES
from pipelines.report.board_pack import write_board_pack
from pipelines.report.model_docs import write_model_docs
from pipelines.warehouse.lock import reading, writing


@task(name="write-board-pack", cache_policy=NO_CACHE, **IO_RETRIES)
def write_board_pack_task() -> list[Path]:
    # the pack names the run that published it: ops.runs / ops.run_batches trace it to its files
    return write_board_pack(load_settings(), run_id=flow_run.id)


@flow(name="report", log_prints=True)
def report() -> list[Path]:
    with reading(load_settings(), "report"):  # no run writes the warehouse meanwhile
        paths = write_board_pack_task()
    for path in paths:
        print(f"wrote {path}")
    return paths


@task(name="dbt-docs", cache_policy=NO_CACHE, **IO_RETRIES)
def write_model_docs_task() -> Path:
    return write_model_docs(load_settings())


@flow(name="docs", log_prints=True)
def docs() -> Path:
    """The dbt docs as one offline page (model-docs.html), linked from the board pack.

    Takes the warehouse's exclusive lock, though it only reads: dbt-duckdb opens the file
    read-write (which no other process may do meanwhile) and rewrites dbt's target/ folder, which
    a build uses too."""
    with writing(load_settings(), "docs"):
        path = write_model_docs_task()
    print(f"wrote {path}")
    return path

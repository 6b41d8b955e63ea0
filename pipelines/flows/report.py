"""Flow: write the board pack from the published schema."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from pipelines.config import load_settings
from pipelines.report.board_pack import write_board_pack


@task(name="write-board-pack", cache_policy=NO_CACHE)
def write_board_pack_task() -> list[Path]:
    # the pack names the run that published it: ops.runs / ops.run_batches trace it to its files
    return write_board_pack(load_settings(), run_id=flow_run.id)


@flow(name="report", log_prints=True)
def report() -> list[Path]:
    paths = write_board_pack_task()
    for path in paths:
        print(f"wrote {path}")
    return paths

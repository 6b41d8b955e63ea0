"""Flow: dbt build (seeds, staging, marts, published, tests) on a copy, swapped in on success."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipelines.config import load_settings
from pipelines.errors import UsageError
from pipelines.warehouse.dbt import DbtRun, build_warehouse
from pipelines.warehouse.lock import writing


# Never retried, unlike the I/O tasks: a failing model or test fails the same way again and a build
# is long; the warehouse keeps its last good state meanwhile (the build runs on a copy).
@task(name="dbt-build", cache_policy=NO_CACHE)
def dbt_build_task(select: list[str] | None = None, full_refresh: bool = False,
                   unit_tests: bool = False) -> DbtRun:
    args = (["--select", *select] if select else []) + (["--full-refresh"] if full_refresh else [])
    return build_warehouse(load_settings(), args, unit_tests=unit_tests)


@flow(name="build", log_prints=True)
def build(select: list[str] | None = None, full_refresh: bool = False,
          unit_tests: bool = False) -> DbtRun:
    with writing(load_settings(), "build"):  # one writer at a time: pipelines/warehouse/lock.py
        run = dbt_build_task(select, full_refresh, unit_tests)
    if select and not run.nodes:  # dbt itself only warns, and exits 0
        raise UsageError(f"--select {' '.join(select)} matched no model, seed or test: check the "
                         "names (`dbt ls` in dbt_project/ lists them); nothing was built")
    print("dbt build: " + ", ".join(f"{n} {s}" for s, n in sorted(run.status_counts.items())))
    if run.full_rebuild_reason:
        print(f"note: {run.full_rebuild_reason}")
    return run

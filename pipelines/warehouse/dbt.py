"""Run dbt in-process (dbtRunner) against the warehouse, and build without risking the last good state.

``build_warehouse`` copies the warehouse file into a folder of its own, runs ``dbt build`` on the copy
and swaps it in only if every node succeeded, so a failed build leaves the warehouse (and what the
reports read) as it was. It holds the warehouse's lock (``pipelines/warehouse/lock.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import yaml

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.errors import UsageError, WarehouseBusy
from pipelines.ops.build_fingerprint import forget_fingerprint, store_fingerprint, stored_fingerprint
from pipelines.warehouse.fingerprint import project_fingerprint
from pipelines.warehouse.indicators import indicator_vars
from pipelines.warehouse.lock import build_area, checkpoint, wal_path, writing
from pipelines.warehouse.storage import storage_errors

# The builds the pipeline runs leave out dbt's unit tests. They check the project's SQL on
# hand-written rows, not the data, so a monthly build would repeat the same checks of the same code
# (dbt's advice: run them in development and CI). `make test` runs them on both engines, and
# `pophealth build --unit-tests` adds them to a build, e.g. after adding an indicator. What they
# cost a build: docs/scaling.md.
WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]
# options that build part of the project: such a build does not record the project's fingerprint
NODE_SELECTION = {"--select", "-s", "--models", "-m", "--exclude", "--selector"}
# A build of the project that built the warehouse last (same fingerprint, so the same seed files,
# models and variables) builds only what new deliveries can change (dbt_project/selectors.yml): the
# seeds' tables, the models built from them alone and those nodes' tests are as the last build
# left them. Reloading the seeds wrote the same rows again (the 33,000 LSOAs and the code lists:
# about 4 s of a month's build at 1.2M people); the 5 models and 35 tests on them about 1 s more
# (docs/scaling.md R8, R15).
REFERENCE_DATA_AS_IT_IS = ["--selector", "built_from_deliveries"]
# Such a build, whole and not a full refresh, writes only the open periods of the per-period
# models, so their tests marked for it read only those (macro get_where_subquery): the other
# periods' rows are as the last build wrote and tested them.
REFRESH_OF_BUILT_PROJECT = ["--vars", json.dumps({"refresh_of_built_project": True})]
PROJECT_CHANGED = ("the dbt project (models, macros, tests, seeds, selectors or variables) or "
                   "the versions of the dbt or DuckDB packages that build it "
                   "changed since the warehouse was last built, or a part of it was built by "
                   "another version since, so every model was rebuilt (--full-refresh), not "
                   "only new deliveries and open periods")


class DbtFailed(RuntimeError):
    def __init__(self, message: str, nodes: list[NodeResult]):
        super().__init__(message)
        self.nodes = nodes


@dataclass(frozen=True)
class NodeResult:
    name: str
    resource_type: str
    status: str
    seconds: float
    message: str = ""


@dataclass(frozen=True)
class DbtRun:
    command: list[str]
    nodes: list[NodeResult] = field(default_factory=list)
    # why a build that was not asked to rebuild everything did (pipelines/warehouse/fingerprint.py)
    full_rebuild_reason: str | None = None

    @property
    def status_counts(self) -> dict[str, int]:
        return dict(Counter(n.status for n in self.nodes))


@contextmanager
def _env(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _release_duckdb() -> None:
    """Close the DuckDB handle dbt-duckdb keeps for the life of the process.

    Left open, the file keeps a write-ahead log and a lock, so a copy of it is incomplete and no
    other step can open it. dbt-duckdb offers no public call for this (1.11), hence the private one.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()


def dbt_command(settings: Settings, args: list[str], project_dir: Path = DBT_PROJECT_DIR) -> list[str]:
    """The dbt command line with absolute project, profile and artefact paths, and the var
    `indicators` read from the indicator YAML (the union models cannot find them while dbt parses:
    pipelines/warehouse/indicators.py). Every dbt invocation of the project is built here."""
    artifacts = settings.dbt_artifacts_dir
    words = 2 if args[0] == "docs" else 1  # the (sub)command comes before its options
    options = list(args[words:])
    variables = indicator_vars(project_dir)
    for at in reversed(range(len(options))):  # the caller's vars win over ours
        if options[at] == "--vars":
            variables |= yaml.safe_load(options[at + 1])
            del options[at:at + 2]
        elif options[at].startswith("--vars="):
            variables |= yaml.safe_load(options[at].removeprefix("--vars="))
            del options[at]
    return [
        *args[:words], "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
        "--target", settings.target, "--target-path", str(artifacts / "target"),
        "--log-path", str(artifacts / "logs"), "--vars", json.dumps(variables), *options,
    ]


def run_dbt(settings: Settings, args: list[str], duckdb_path: Path | None = None,
            project_dir: Path = DBT_PROJECT_DIR) -> DbtRun:
    """Invoke dbt (command line from dbt_command); raise DbtFailed on failure."""
    from dbt.cli.main import dbtRunner  # heavy import, only when dbt runs

    command = dbt_command(settings, args, project_dir)
    with _env(PH_DUCKDB_PATH=str(duckdb_path or settings.duckdb_path),
              PH_SPARK_DIR=str(settings.spark_root), PH_SPARK_MASTER=settings.spark_master,
              PH_SPARK_DRIVER_MEMORY=settings.spark_driver_memory,
              **settings.resource_environment()):
        try:
            result = dbtRunner().invoke(["--no-use-colors", "--log-format", "text", *command])
        finally:
            _release_duckdb()
    nodes = []
    for node in getattr(result.result, "results", None) or []:
        nodes.append(NodeResult(
            name=node.node.name, resource_type=str(node.node.resource_type),
            status=str(node.status), seconds=round(float(node.execution_time or 0), 2),
            message=str(node.message or "") if str(node.status) in ("error", "fail") else "",
        ))
    run = DbtRun(command, nodes)
    if not result.success:
        failed = [n for n in nodes if n.status in ("error", "fail", "runtime error")]
        detail = "; ".join(f"{n.resource_type} {n.name}: {n.message}" for n in failed[:10])
        reason = detail or str(result.exception or "dbt reported failure")
        raise DbtFailed(f"dbt {args[0]} failed: {reason}", nodes)
    return run


def command_variables(command: list[str]) -> dict:
    """The variables of a command line dbt_command made (its one --vars)."""
    return json.loads(command[command.index("--vars") + 1])


def _variables(settings: Settings, args: list[str], project_dir: Path) -> dict:
    """The variables dbt is given for these arguments."""
    return command_variables(dbt_command(settings, args, project_dir))


def build_warehouse(settings: Settings, extra_args: list[str] | None = None,
                    project_dir: Path = DBT_PROJECT_DIR, unit_tests: bool = False) -> DbtRun:
    """dbt build on a private copy of the warehouse, swapped in atomically when every node passed.
    The unit tests run only when asked (WITHOUT_UNIT_TESTS; Spark runs none of them in a build).

    Holds the warehouse's exclusive lock (re-entrant: the flows hold it already), so no other run
    writes the warehouse meanwhile. The copy lives in a folder of its own under ``.building/``,
    removed whatever happens; the live file's write-ahead log is folded into it before it is
    copied, and the copy's before it is swapped in, so no log is ever left beside the wrong file.
    A full disk or an unwritable folder becomes a ``StorageError``; the warehouse keeps its last
    good state whenever the build fails.
    """
    if settings.engine == "spark":  # Spark builds its own warehouse (pipelines/warehouse/spark.py)
        from pipelines.warehouse.spark import build_on_spark

        if unit_tests:
            raise UsageError("--unit-tests runs dbt's unit tests in a DuckDB build; on Spark they "
                             "run in `make test` (tests/dbt/test_cross_engine.py), not in a build")

        with writing(settings, "build"):
            return build_on_spark(settings, extra_args, project_dir)
    live = settings.duckdb_path
    with writing(settings, "build"):
        # Same file name in a folder of its own: DuckDB names the catalog after the file, and
        # dbt's views refer to tables through that catalog, so the name must survive the swap.
        build_id = f"{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        folder = build_area(live) / f"{live.name}.{build_id}"
        candidate = folder / live.name
        unchanged = f"the warehouse {live} keeps its last good state"
        copy_removed = unchanged + " (the build's copy was removed)"
        try:
            with storage_errors(live.parent, copy_removed):
                if wal_path(live).exists():  # a copy without its log would lose what the log holds
                    checkpoint(live, unchanged)
            with storage_errors(folder, copy_removed):
                folder.mkdir(parents=True)
                if live.exists():
                    shutil.copy2(live, candidate)
                options = [] if unit_tests else WITHOUT_UNIT_TESTS
                args = ["build", *options, *(extra_args or [])]
                fingerprint = project_fingerprint(project_dir, _variables(settings, args, project_dir))
                whole_project = not NODE_SELECTION & {arg.split("=")[0] for arg in args}
                same_project = candidate.exists() and stored_fingerprint(candidate) == fingerprint
                asked_full_refresh = "--full-refresh" in args
                rebuild = not asked_full_refresh and candidate.exists() and not same_project
                refresh = not asked_full_refresh and same_project and whole_project
                run = run_dbt(settings, args + (["--full-refresh"] if rebuild else [])
                              + (REFERENCE_DATA_AS_IT_IS + REFRESH_OF_BUILT_PROJECT if refresh else []),
                              duckdb_path=candidate, project_dir=project_dir)
                if rebuild:
                    run = replace(run, full_rebuild_reason=PROJECT_CHANGED)
                if whole_project:
                    store_fingerprint(candidate, fingerprint)
                elif not same_project:
                    # part of the warehouse is now another version's (rebuilt, whether or not
                    # --full-refresh was asked for): no later build may take the rest for the
                    # recorded project's (it would extend or keep those tables)
                    forget_fingerprint(candidate)
                checkpoint(candidate, unchanged)
                if wal_path(live).exists():  # no run of ours, so another program: refuse the swap
                    raise WarehouseBusy(f"the warehouse {live} was written by another program "
                                        f"during the build (its write-ahead log appeared); the "
                                        f"build was not swapped in and {unchanged}: run it again "
                                        "when that program has closed the warehouse")
                os.replace(candidate, live)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            try:
                folder.parent.rmdir()
            except OSError:
                pass  # not there, or another warehouse's build folder is in it
    return run

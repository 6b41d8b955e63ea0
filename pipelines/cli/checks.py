"""Checks on a command's arguments and paths, made before any flow starts.

A flow's first step is to start a temporary Prefect server (10 s or more) and its I/O tasks retry
with back-off, so a mistyped source or a missing warehouse would otherwise be reported half a minute
later. Each check raises a ``UsageError`` (exit 2) that says what to do.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from pipelines.config import Settings
from pipelines.errors import UsageError

# Commands that read the warehouse and cannot make one.
NEEDS_WAREHOUSE = ("build", "report", "docs")
# Commands that read the landing folder.
NEEDS_LANDING = ("ingest", "refresh")
# Commands that take the warehouse's lock (pipelines/warehouse/lock.py): exclusive, or shared.
WRITERS = ("ingest", "build", "refresh", "docs")
READERS = ("report",)


def check_command(args: argparse.Namespace, settings: Settings) -> None:
    if args.command == "demo-data":
        _check_demo(args)
    if args.command in NEEDS_LANDING:
        check_sources(args.sources)
        check_landing_folder(settings)
    if args.command in NEEDS_WAREHOUSE:
        check_warehouse(settings)
    if settings.engine == "spark" and args.command in ("build", "refresh", "docs"):
        check_java()
    if args.command == "serve":
        check_sources(args.sources)
        check_schedule(args.cron, args.timezone)
    if args.command in WRITERS + READERS:
        check_warehouse_free(args.command, settings)


def check_warehouse_free(command: str, settings: Settings) -> None:
    """Refuse at once (WarehouseBusy, exit 3) when another run holds the warehouse, rather than
    after starting Prefect; the flow takes the lock for real (with PH_LOCK_WAIT_SECONDS it waits
    there instead)."""
    if settings.lock_wait_seconds or not settings.duckdb_path.exists():
        return
    from pipelines.warehouse.lock import reading, writing

    with (writing if command in WRITERS else reading)(settings, f"pophealth {command}"):
        pass


def check_sources(sources: list[str] | None) -> None:
    from pipelines.contracts.model import load_contracts

    known = load_contracts()
    unknown = sorted(set(sources or []) - set(known))
    if unknown:
        raise UsageError(f"no data contract for source(s) {', '.join(unknown)}; the sources are: "
                         f"{', '.join(sorted(known))} (`pophealth sources list`)")


def check_landing_folder(settings: Settings) -> None:
    landing = settings.landing_dir
    if not landing.is_dir():
        what = "is not a folder" if landing.exists() else "does not exist"
        raise UsageError(f"the landing folder {landing} {what}: check PH_LANDING_DIR (or "
                         "PH_DATA_DIR), or write the demo extracts there with `pophealth demo-data`")


def check_warehouse(settings: Settings) -> None:
    if not settings.duckdb_path.is_file():
        raise UsageError(f"there is no warehouse at {settings.duckdb_path}: check PH_DUCKDB_PATH "
                         "(or PH_DATA_DIR), or make one with `pophealth refresh` (or `pophealth "
                         "ingest` then `pophealth build`)")


def check_java() -> None:
    """The Spark engine runs a local Spark session, which needs Java (17)."""
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise UsageError("the Spark engine needs Java 17, and there is no `java` here: install "
                         "openjdk-17-jre-headless (`make` does, when run as root with apt-get), "
                         "or use the DuckDB engine (the default)")


def _check_demo(args: argparse.Namespace) -> None:
    if args.end < args.start:  # YYYY-MM strings (checked by argparse) sort as months
        raise UsageError(f"--end {args.end} is before --start {args.start}")
    if args.out is not None:
        out = Path(args.out).expanduser()
        existing = next((p for p in [out, *out.parents] if p.exists()), None)
        if existing is not None and not existing.is_dir():
            raise UsageError(f"--out {args.out}: {existing} is a file, not a folder")


def check_schedule(cron: str | None, timezone: str | None) -> None:
    """A server to register with, a valid cron expression and a known time zone."""
    if not os.environ.get("PREFECT_API_URL"):
        raise UsageError("set PREFECT_API_URL to a running Prefect server (`make server` starts "
                         "one at http://127.0.0.1:4200/api); schedules cannot run on a temporary "
                         "server")
    from pipelines.flows.schedule import refresh_schedule

    try:
        refresh_schedule(cron, timezone)
    except ValueError as error:
        raise UsageError(f"the schedule is not valid: {str(error).splitlines()[0]}") from None

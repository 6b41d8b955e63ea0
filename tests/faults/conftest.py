"""Helpers for the fault tests: a checksum of every table, PH_* environments for subprocesses, and
a way to start a pipeline step (tests/faults/step.py) or the CLI as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import prefect.main  # noqa: F401  (see below)
import pytest

from pipelines.config import PROJECT_ROOT
from pipelines.warehouse.digests import WHEN_COLUMNS, table_digests

# Prefect binds its console log handler to the sys.stderr of the moment it is first imported: here,
# outside any test, and not the stderr that capsys gives one test (closed after it: every later
# flow's log line would then fail, ending in a RecursionError).

def checksums(warehouse: Path, schemas: tuple[str, ...] | None = None) -> dict[str, tuple]:
    """Row count and content hash of every table and view (of the given schemas), without the
    columns that say when something happened (pipelines/warehouse/digests.py)."""
    return table_digests(warehouse, schemas, leave_out_columns=WHEN_COLUMNS)


def ph_environ(root: Path, **extra: str) -> dict[str, str]:
    """os.environ with every PH_* path under root (warehouse in root/data unless given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PH_")}
    env |= {"PH_DATA_DIR": str(root / "data"), "PH_REPORTS_DIR": str(root / "reports"),
            "PH_TARGET": "test", "PH_BOARD_PACK_PDF": "0"}
    return env | extra


def start(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    """``python -m ARGS`` (a module and its arguments) in the project folder."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE} | kwargs
    return subprocess.Popen([sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=env, text=True,
                            **options)


@pytest.fixture
def use_env(monkeypatch):
    """Apply a ph_environ() to this (test) process, for in-process CLI calls."""
    def apply(env: dict[str, str]) -> None:
        for name in [k for k in os.environ if k.startswith("PH_")]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            if name.startswith("PH_"):
                monkeypatch.setenv(name, value)
    return apply

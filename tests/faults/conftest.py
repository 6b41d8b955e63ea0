"""Helpers for the fault tests: a checksum of every table, PH_* environments for subprocesses, and
a way to start a pipeline step (tests/faults/step.py) or the CLI as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import prefect.main  # noqa: F401  (see below)
import pytest

from pipelines.config import PROJECT_ROOT

# Prefect binds its console log handler to the sys.stderr of the moment it is first imported: here,
# outside any test, and not the stderr that capsys gives one test (closed after it: every later
# flow's log line would then fail, ending in a RecursionError).

# columns that say when (or by which dbt invocation) something happened, not what: they differ
# between any two runs
WHEN_COLUMNS = {"received_at", "first_received_at", "last_received_at", "started_at", "ended_at",
                "finished_at", "built_at_utc", "dbt_invocation_id"}


def checksums(warehouse: Path, schemas: tuple[str, ...] | None = None) -> dict[str, tuple]:
    """Row count and content hash of every table and view (of the given schemas), without the
    timestamp columns above; doubles rounded to 9 decimals (a parallel sum may differ in the last
    bit)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns: dict[str, list[str]] = {}
        for schema, table, column, data_type in con.execute(
                "select table_schema, table_name, column_name, data_type "
                "from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall():
            if schemas and schema not in schemas:
                continue
            name = f'"{schema}"."{table}"'
            columns.setdefault(name, [])
            if column not in WHEN_COLUMNS:
                quoted = f'"{column}"'
                columns[name].append(f"round({quoted}, 9)" if data_type in ("DOUBLE", "FLOAT")
                                     else quoted)
        sums = {name: f"sum(hash({', '.join(cols)}))" if cols else "0"  # (all columns are 'when')
                for name, cols in columns.items()}
        return {name: con.execute(f"select count(*), {sums[name]} from {name}").fetchone()
                for name in columns}


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

"""Short-lived DuckDB connections to the warehouse file.

DuckDB allows one writing process per file, and dbt opens its own connection during a build, so
every Python step opens, uses and closes its connection (never held across steps).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


@contextmanager
def connect(path: Path, read_only: bool = False,
            config: dict[str, str] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """``config``: DuckDB settings, e.g. ``Settings.duckdb_config`` (memory limit, threads, where
    to spill), so that a Python step is held to the same memory as dbt's build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    try:
        yield con
    finally:
        con.close()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def sql_list(values) -> str:
    """Values (e.g. an enum's members, a code list) as a SQL list of string literals."""
    return ", ".join(f"'{value}'" for value in values)

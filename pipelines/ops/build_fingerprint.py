"""``ops.build_fingerprint``: the fingerprint of the dbt project that last built the whole warehouse
(one row; pipelines/warehouse/fingerprint.py computes it, pipelines/warehouse/dbt.py compares it)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.warehouse.connection import table_exists

TABLE = "ops.build_fingerprint"


def stored_fingerprint(warehouse: Path) -> str | None:
    """The fingerprint of the project that last built the whole warehouse (None: never recorded)."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not table_exists(con, "ops", "build_fingerprint"):
            return None
        row = con.execute(f"select fingerprint from {TABLE}").fetchone()
    return row[0] if row else None


def store_fingerprint(warehouse: Path, fingerprint: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists ops")
        # the fingerprint alone: two builds of the same data by the same project leave the same
        # warehouse (published.build_info says when it was built)
        con.execute(f"create or replace table {TABLE} as select ? as fingerprint", [fingerprint])

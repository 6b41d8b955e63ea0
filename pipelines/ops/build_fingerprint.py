"""``ops.build_fingerprint``: what the last build of the whole warehouse was (one row).

- ``fingerprint``: of the dbt project, and the dbt and DuckDB packages' versions, that built it
  (pipelines/warehouse/fingerprint.py computes it, pipelines/warehouse/dbt.py compares it);
- ``deliveries_taken_in``: the newest delivery in the ledger when it was built
  (``ops.ingest_batches.delivery_seq``; 0 if none). Every delivery up to it was landed before the
  build (landing waits for the warehouse's lock), so the staging tables hold every key delivered up
  to it, and a refresh's keys are those of later deliveries: its staging unique tests read only
  those keys (macro get_where_subquery, dbt_project/macros/testing/tested_rows.sql, which reads this
  table as source ``ops.build_fingerprint`` while the build runs, before it is written again).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ops.ledger import newest_delivery_seq
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
    """Record a whole build just made (the ledger read in the same warehouse, as it was built)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists ops")
        newest = newest_delivery_seq(con) if table_exists(con, "ops", "ingest_batches") else 0
        # the fingerprint and the deliveries alone: two builds of the same data by the same project
        # leave the same warehouse (published.build_info says when it was built)
        con.execute(f"create or replace table {TABLE} as "
                    "select ? as fingerprint, cast(? as bigint) as deliveries_taken_in",
                    [fingerprint, newest])


def forget_fingerprint(warehouse: Path) -> None:
    """Record that the warehouse is no longer wholly built by one project: a build of part of it by
    another version of the project (with --full-refresh on its selection) leaves those tables that
    version's. The next build of any version then rebuilds everything, as for a changed project."""
    with duckdb.connect(str(warehouse)) as con:
        if table_exists(con, "ops", "build_fingerprint"):
            con.execute(f"delete from {TABLE}")

"""Row count and content hash of warehouse tables: how two warehouses are compared without reading
their rows out (a month's refresh against a full rebuild of the same raw layer; a warehouse
before and after a run that failed or was killed, which must have left it as it was)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

# columns that say when (or by which dbt invocation) something happened, not what: they differ
# between any two runs
WHEN_COLUMNS = frozenset({"received_at", "first_received_at", "last_received_at", "started_at",
                          "ended_at", "finished_at", "built_at_utc", "dbt_invocation_id"})
# columns that say what a row was computed from, hashed to the last bit (fct_inequality_summary's
# input_digest): two builds whose figures agree to 9 decimals (below) can differ in them
INPUT_DIGEST_COLUMNS = frozenset({"input_digest"})


def table_digests(warehouse: Path, schemas: Iterable[str] | None = None, *,
                  tables: Iterable[str] | None = None,
                  leave_out_tables: Iterable[str] = (),
                  leave_out_columns: Iterable[str] = (),
                  where: Mapping[str, str] | None = None) -> dict[str, tuple[int, int]]:
    """{"schema.table": (rows, sum of the rows' hashes)} for every table and view of `schemas`
    (every schema when None), or only of `tables`, but `leave_out_tables` (both "schema.table"),
    without the columns named in `leave_out_columns`; `where` restricts a table's rows by an SQL
    condition ({"schema.table": condition}). Doubles are rounded to 9 decimals: a parallel sum
    may differ in the last bit."""
    schemas = None if schemas is None else set(schemas)
    tables = None if tables is None else set(tables)
    leave_out_tables, leave_out_columns = set(leave_out_tables), set(leave_out_columns)
    where = dict(where or {})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns: dict[str, list[str]] = {}
        for schema, table, column, data_type in con.execute(
                "select table_schema, table_name, column_name, data_type "
                "from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall():
            name = f"{schema}.{table}"
            if ((schemas is not None and schema not in schemas)
                    or (tables is not None and name not in tables) or name in leave_out_tables):
                continue
            columns.setdefault(name, [])
            if column not in leave_out_columns:
                quoted = f'"{column}"'
                columns[name].append(f"round({quoted}, 9)" if data_type in ("DOUBLE", "FLOAT")
                                     else quoted)
        unknown = set(where) - set(columns)
        if unknown:
            raise ValueError(f"table_digests: no table {sorted(unknown)} to restrict")
        digests = {}
        for name, cols in columns.items():
            schema, table = name.split(".", 1)
            content = f"sum(hash({', '.join(cols)}))" if cols else "0"  # (every column left out)
            condition = f" where {where[name]}" if name in where else ""
            digests[name] = con.execute(f'select count(*), {content} from "{schema}"."{table}"'
                                        f"{condition}").fetchone()
        return digests

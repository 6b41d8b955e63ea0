"""The scratch table ``landed``: a chunk of delivered files on its way from the landing folder to
the raw layer, inside the warehouse connection, every value as text.

The reader appends each file's rows (tagged with the file in ``FILE_COLUMN``, rows in file order),
validation marks the flag rules each row breaks in ``FLAGS_COLUMN``, and the load copies the rows
of the accepted files into ``raw.<source>``. Keeping it a temporary table of that connection lets
reading, validating and loading run inside DuckDB instead of through Python objects, and leaves
nothing behind if the process dies.
"""

from __future__ import annotations

import duckdb

from pipelines.contracts.model import Contract

LANDED = "landed"
FILE_COLUMN = "__file"
FLAGS_COLUMN = "__dq_flags"  # the flag rules a row breaks, ';'-separated, set by validation


def valid_flag_column(column_name: str) -> str:
    """Where landing keeps the modulus-11 verdict on a clear NHS number it has replaced."""
    return f"__valid__{column_name}"


def landed_columns(contract: Contract) -> list[str]:
    """The columns of ``landed``: the contract's raw names, a verdict per replaced NHS number column,
    the file each row came from and its data-quality flags."""
    columns = [c.raw_name for c in contract.columns]
    columns += [valid_flag_column(c.name) for c in contract.columns if c.pseudonymise_into]
    return [*columns, FILE_COLUMN, FLAGS_COLUMN]


def create_landed(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """A fresh, empty ``landed`` for the contract's columns."""
    types = {valid_flag_column(c.name): "BOOLEAN" for c in contract.columns if c.pseudonymise_into}
    ddl = ", ".join(f'"{name}" {types.get(name, "VARCHAR")}' for name in landed_columns(contract))
    con.execute(f"create or replace temp table {LANDED} ({ddl})")


def drop_landed(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {LANDED}")

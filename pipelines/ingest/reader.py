"""Read one landed file into a frame of text values, or say clearly why it cannot be read.

DuckDB does the parsing (strictly: the contract's delimiter, UTF-8, every row the same width), so a
truncated file, a wrong delimiter or encoding, an empty file or a file that is not the declared
format becomes a ``MalformedFile`` with a plain message instead of a traceback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.contracts.model import Contract

# DuckDB type names for a Parquet column, reduced to the contract's vocabulary.
_PARQUET_TYPE_FAMILIES = {
    "BIGINT": {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT",
               "UTINYINT", "HUGEINT"},
    "DOUBLE": {"DOUBLE", "FLOAT", "DECIMAL"},
    "DATE": {"DATE"},
    "TIMESTAMP": {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S",
                  "TIMESTAMP WITH TIME ZONE"},
    "BOOLEAN": {"BOOLEAN"},
    "VARCHAR": {"VARCHAR"},
}


_TEXT = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
         pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}


class MalformedFile(Exception):
    """The file cannot be parsed as the format its contract declares."""


class SchemaDrift(Exception):
    """The file parses but its columns differ from the contract: names or (Parquet) types."""

    def __init__(self, message: str, columns: list[str]):
        super().__init__(message)
        self.columns = columns


@dataclass(frozen=True)
class LandedFrame:
    frame: pd.DataFrame  # every column as text (NULL for empty)
    columns: list[str]
    types: dict[str, str]  # declared types in the file (Parquet) or VARCHAR (CSV)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


_local = threading.local()


def _reader_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB per thread, kept: opening one costs ~15 ms, a small file's whole read."""
    if getattr(_local, "con", None) is None:
        _local.con = duckdb.connect()
    return _local.con


def read_landed_file(path: Path, contract: Contract) -> LandedFrame:
    if path.stat().st_size == 0:
        raise MalformedFile("the file is empty (0 bytes)")
    con = _reader_connection()
    try:
        if contract.format == "csv":
            relation = con.sql(
                f"select * from read_csv('{_sql_path(path)}', header = true, delim = ',', "
                "quote = '\"', all_varchar = true, strict_mode = true, encoding = 'utf-8', "
                "auto_detect = false, columns = "
                + _csv_columns(con, path)
                + ")"
            )
        else:
            relation = con.sql(f"select * from read_parquet('{_sql_path(path)}')")
        types = {name: str(dtype).upper() for name, dtype in zip(relation.columns, relation.types,
                                                                   strict=True)}
        text_columns = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in relation.columns)
        # Through Arrow: pandas' Arrow-backed strings take the buffers as they are, about four
        # times faster than DuckDB's conversion to Python string objects.
        frame = con.sql(f"select {text_columns} from relation").to_arrow_table().to_pandas(
            types_mapper=_TEXT.get)
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise MalformedFile(f"cannot be read as {contract.format.upper()}: {first_line}") from None
    return LandedFrame(frame=frame, columns=list(types), types=types)


def _csv_columns(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Column names from the header line, each read as VARCHAR (no type sniffing)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            header = handle.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        raise MalformedFile("cannot be read as CSV: the header is not UTF-8 text") from None
    if not header:
        raise MalformedFile("cannot be read as CSV: the first line (header) is empty")
    if "," not in header:
        for other in (";", "\t", "|"):
            if other in header:
                raise MalformedFile(f"cannot be read as CSV: the header is delimited by {other!r}, "
                                    "the contract says ','")
    names = [name.strip().strip('"') for name in header.split(",")]
    if len(set(names)) != len(names):
        raise MalformedFile("cannot be read as CSV: the header repeats a column name")
    struct = ", ".join("'" + name.replace("'", "''") + "': 'VARCHAR'" for name in names)
    return "{" + struct + "}"


def check_schema(landed: LandedFrame, contract: Contract) -> None:
    """Raise SchemaDrift naming every missing, unexpected or re-typed column."""
    expected, found = contract.column_names, landed.columns
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    problems = []
    if missing:
        problems.append("missing column(s) " + ", ".join(missing))
    if extra:
        problems.append("unexpected column(s) " + ", ".join(extra))
        if len(found) == 1 and len(expected) > 1:
            problems.append("(one column only: is the file delimited with something other than ','?)")
        elif missing and len(missing) == len(extra):
            problems.append("(renamed? " + ", ".join(f"{a} -> {b}" for a, b in zip(missing, extra,
                                                                                     strict=True)) + ")")
    retyped = []
    if contract.format == "parquet":
        for column in contract.columns:
            actual = landed.types.get(column.name)
            if actual and actual.split("(")[0] not in _PARQUET_TYPE_FAMILIES[column.type]:
                retyped.append(column.name)
                problems.append(f"column {column.name} is {actual}, contract says {column.type}")
    if problems:
        raise SchemaDrift("; ".join(problems), missing + extra + retyped)

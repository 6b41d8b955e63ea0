"""Do two engines' builds hold the same figures? Every table of the marts and published layers
compared: the same columns, the same rows, equal values (numbers to a relative 1e-9), the same
NULLs - so the same suppression (docs/running-on-spark.md).

Both sides are read through DuckDB into pandas - the DuckDB warehouse's tables, and Spark's Parquet
files (pipelines/warehouse/spark.py) - so a difference found is in the data, not in the reader.
Rows are matched by sorting on every column that is not a floating-point number (then on the
numbers), so the order an engine wrote them in does not matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.config import Settings
from pipelines.warehouse.digests import INPUT_DIGEST_COLUMNS
from pipelines.warehouse.spark import spark_table_scan, spark_tables

COMPARED_SCHEMAS = ("marts", "published")
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12  # for values that should be 0: 1e-17 and 0 are the same figure
# Columns that differ by construction between any two builds, on one engine or two: when and by
# which dbt invocation the layer was built.
BUILD_STAMPS = {("published", "build_info"): ("built_at_utc", "dbt_invocation_id")}


@dataclass(frozen=True)
class Difference:
    table: str
    what: str

    def __str__(self) -> str:
        return f"{self.table}: {self.what}"


def duckdb_tables(path: Path, schema: str) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_type = 'BASE TABLE' order by 1", [schema]).fetchall()]


def read_duckdb(path: Path, schema: str, table: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(f'select * from {schema}."{table}"').to_arrow_table().to_pandas()


def read_spark(settings: Settings, schema: str, table: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.sql(f"select * from {spark_table_scan(settings, schema, table)}"
                       ).to_arrow_table().to_pandas()


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_float_dtype(series) or series.map(lambda v: hasattr(v, "as_tuple")).any():
        return "number"  # doubles, and decimals (which pandas holds as objects)
    if pd.api.types.is_integer_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "timestamp"
    return "text"


def _is_float(series: pd.Series) -> bool:
    return _kind(series) == "number" and not pd.api.types.is_integer_dtype(series)


def _sorted(frame: pd.DataFrame, keys: list[str], numbers: list[str]) -> pd.DataFrame:
    order = keys + numbers
    if not order:
        return frame.reset_index(drop=True)
    text = frame[keys].astype("string").fillna("\x00")  # NULLs sort first, whatever the type
    floats = frame[numbers].astype("float64")
    return frame.loc[pd.concat([text, floats], axis=1).sort_values(order, na_position="first").index
                     ].reset_index(drop=True)


def _close(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return math.isclose(float(a), float(b), rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)


def compare_frames(name: str, left: pd.DataFrame, right: pd.DataFrame,
                   ignore: tuple[str, ...] = ()) -> list[Difference]:
    """What differs between one table's two builds (empty when they hold the same figures)."""
    found = []
    if set(left.columns) != set(right.columns):
        only = sorted(set(left.columns) ^ set(right.columns))
        found.append(Difference(name, f"columns differ: {', '.join(only)}"))
    columns = [c for c in left.columns if c in set(right.columns) and c not in ignore]
    if len(left) != len(right):
        found.append(Difference(name, f"{len(left)} rows against {len(right)}"))
        return found
    for column in columns:
        if _kind(left[column]) != _kind(right[column]) and left[column].notna().any() \
                and right[column].notna().any():
            found.append(Difference(name, f"column {column} is {_kind(left[column])} against "
                                    f"{_kind(right[column])}"))
    if found:
        return found
    numbers = [c for c in columns if _is_float(left[c]) or _is_float(right[c])]
    keys = [c for c in columns if c not in numbers]
    left, right = _sorted(left, keys, numbers), _sorted(right, keys, numbers)
    for column in columns:
        a, b = left[column], right[column]
        if column in numbers:
            unequal = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if not _close(x, y)]
        else:
            unequal = [i for i, (x, y) in enumerate(zip(a, b, strict=True))
                       if not (pd.isna(x) and pd.isna(y)) and (pd.isna(x) or pd.isna(y) or x != y)]
        if unequal:
            first = unequal[0]
            found.append(Difference(name, f"column {column}: {len(unequal)} of {len(a)} rows "
                                    f"differ (first: {a[first]!r} against {b[first]!r})"))
    return found


def compare_builds(duckdb_path: Path, spark_settings: Settings,
                   schemas: tuple[str, ...] = COMPARED_SCHEMAS) -> tuple[list[str], list[Difference]]:
    """Every table of ``schemas`` in the DuckDB warehouse against Spark's build: the tables
    compared, and the differences found (a table one engine lacks is one)."""
    compared, found = [], []
    for schema in schemas:
        on_duckdb = set(duckdb_tables(duckdb_path, schema))
        on_spark = set(spark_tables(spark_settings, schema))
        for table in sorted(on_duckdb ^ on_spark):
            where = "DuckDB" if table in on_duckdb else "Spark"
            found.append(Difference(f"{schema}.{table}", f"built on {where} only"))
        for table in sorted(on_duckdb & on_spark):
            name = f"{schema}.{table}"
            compared.append(name)
            found += compare_frames(name, read_duckdb(duckdb_path, schema, table),
                                    read_spark(spark_settings, schema, table),
                                    ignore=BUILD_STAMPS.get((schema, table), ())
                                    + tuple(INPUT_DIGEST_COLUMNS))
    return compared, found

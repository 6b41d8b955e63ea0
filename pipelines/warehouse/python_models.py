"""What the dbt Python models need to run the same way on DuckDB and on Spark.

A Python model reads its refs as pandas and returns pandas (the statistics and the disclosure
rules are pandas code, tested once). The two engines hand a model different things: dbt-duckdb a
DuckDB relation, dbt-spark a Spark DataFrame. ``to_pandas`` reads either through Arrow, so the model
sees the same frame, dtypes included, whichever engine built its inputs; ``from_pandas`` gives the
engine back what it writes: pandas for DuckDB, a Spark DataFrame for Spark, converted through Arrow
so that a missing number is NULL on both (pandas' NaN would otherwise land on Spark as NaN).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def to_pandas(relation) -> pd.DataFrame:
    """A ref (DuckDB relation or Spark DataFrame) as pandas, through Arrow on both engines."""
    if hasattr(relation, "toArrow"):  # Spark (pyspark >= 4)
        table = relation.toArrow()
    else:
        table = relation.to_arrow_table()
    return _plain_types(table).to_pandas()


def _plain_types(table: pa.Table) -> pa.Table:
    """Decimal and 128-bit integer columns as float64 (DuckDB sums integers to HUGEINT, Spark to
    BIGINT or DECIMAL): the models compute in floating point either way."""
    fields = []
    for field in table.schema:
        if pa.types.is_decimal(field.type):
            fields.append(pa.field(field.name, pa.float64()))
        else:
            fields.append(field)
    return table.cast(pa.schema(fields))


def from_pandas(session, frame: pd.DataFrame):
    """What the model returns, for the engine that called it (``session``: the model's second
    argument, a DuckDB connection or a SparkSession)."""
    if hasattr(session, "createDataFrame"):  # Spark
        return session.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False))
    return frame


def previous_build(dbt, session) -> pd.DataFrame | None:
    """The model's own table as the last build left it, for a model that takes over rows whose
    inputs have not changed (fct_inequality_summary): read before the engine replaces it. None on
    a first build, and when dbt was asked to rebuild everything (--full-refresh): a full rebuild
    computes every row again."""
    from dbt.flags import get_flags

    if getattr(get_flags(), "FULL_REFRESH", False):
        return None
    this = dbt.this
    if hasattr(session, "catalog"):  # Spark
        name = f"{this.schema}.{this.identifier}"
        return to_pandas(session.table(name)) if session.catalog.tableExists(name) else None
    # fetchall, not fetchone: DuckDB refuses the next query while a result is left unread
    found = session.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_name = ?",
        [this.database, this.schema, this.identifier]).fetchall()[0][0]
    return to_pandas(session.sql(f"select * from {this!r}")) if found else None

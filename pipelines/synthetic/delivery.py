"""Write extracts the way the feeds deliver them: one file per source per month, CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Day precision for dates and second precision for times, as the feeds send them.
    fields = []
    for field in table.schema:
        if pa.types.is_timestamp(field.type) and field.name.lower().endswith("date_time"):
            fields.append(pa.field(field.name, pa.timestamp("s")))
        elif pa.types.is_timestamp(field.type):
            fields.append(pa.field(field.name, pa.date32()))
        elif pa.types.is_null(field.type):  # a text column empty in this month (a late diagnosis position)
            fields.append(pa.field(field.name, pa.string()))
        else:
            fields.append(field)
    return table.cast(pa.schema(fields)).replace_schema_metadata(None)


def write_monthly(
    frame: pd.DataFrame, month_of: np.ndarray, out_dir: Path, source: str, file_format: str,
    file_date_columns: tuple[str, ...] = ("extract_date",),
) -> list[Path]:
    """Split rows by delivery month and write ``<out>/<source>/<source>_<YYYYMM>.<ext>``.

    The file's date (the first day after the delivery month) goes into ``file_date_columns``
    (``extract_date``; the CLD also calls it ``ImportDate``). Months with no rows get no file.
    """
    folder = out_dir / source
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    months = month_of.astype("datetime64[M]")
    for month in np.unique(months):
        part = frame[months == month].copy()
        for column in file_date_columns:
            part[column] = (month + 1).astype("datetime64[D]")
        table = _arrow_table(part)
        stamp = str(month).replace("-", "")
        path = folder / f"{source}_{stamp}.{file_format}"
        if file_format == "parquet":
            pq.write_table(table, path, compression="zstd")
        else:
            pa_csv.write_csv(table, path)
        written.append(path)
    return written

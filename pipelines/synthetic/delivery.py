"""Write extracts the way the feeds deliver them: one file per source per month, CSV or Parquet.

Each shard writes its rows as part files, ``<parts>/<source>/<YYYYMM>-<shard>.csv`` (``.arrow``,
Arrow IPC, for a Parquet source: read back without decoding). One folder per source, not per month:
creating and removing hundreds of folders cost more than writing the parts. The merge then writes
each month's file from its parts in shard order (CSV: one header, then the bodies, copied by the
kernel; Parquet: the parts gathered into row groups of up to MERGE_ROW_GROUP_ROWS rows, in one
schema), so its memory is bounded by a row group, not by the number of shards. Parts are the same
whatever the number of workers, so the merged files are.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

# Rows of a source written as CSV text at once (judgement: about 10 MB of text, small beside a
# shard's peak, large enough that the writer's per-call cost is spread over many rows).
CSV_BATCH_ROWS = 100_000
# Rows gathered into one Parquet row group by the merge (judgement: a month of hospital episodes for
# the whole ICS is ~26,000 rows, so one group; at ten ICSs a few groups of ~100 MB). A row group per
# part (a shard's month, a few thousand rows) made the files' encoding 2-3x slower: every column's
# dictionary, statistics and pages are per group.
MERGE_ROW_GROUP_ROWS = 250_000


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


def write_parts(
    frame: pd.DataFrame, rows: np.ndarray, month_of: np.ndarray, parts_dir: Path, source: str,
    file_format: str, shard: int, file_date_columns: tuple[str, ...] = ("extract_date",),
) -> None:
    """Split one shard's delivered records (``rows`` of ``frame``: a row can be sent twice, or not
    yet) by delivery month into part files (a month with no rows: no part).

    The file's date (the first day after the delivery month) goes into ``file_date_columns``
    (``extract_date``; the CLD also calls it ``ImportDate``).
    """
    # One conversion to Arrow and one take of the records in month order, then zero-copy slices:
    # cheaper than selecting each month (or the delivered rows) from the frame, and every month of
    # a shard gets the same column types.
    months = month_of.astype("datetime64[M]")
    order = np.argsort(months, kind="stable")
    table = _arrow_table(frame).take(np.asarray(rows)[order])
    months = months[order]
    present, first_row, counts = np.unique(months, return_index=True, return_counts=True)
    file_date = pa.array((months + 1).astype("datetime64[D]"), pa.date32())
    for column in file_date_columns:
        if column in table.column_names:
            table = table.set_column(table.column_names.index(column), column, file_date)
        else:
            table = table.append_column(column, file_date)
    folder = parts_dir / source
    folder.mkdir(parents=True, exist_ok=True)
    names = [folder / f"{str(month).replace('-', '')}-{shard:05d}" for month in present]
    if file_format == "parquet":  # Arrow IPC: the merge reads it back without decoding
        for name, begin, n in zip(names, first_row, counts, strict=True):
            part = table.slice(begin, n)
            with pa.OSFile(f"{name}.arrow", "wb") as sink, pa.ipc.new_file(sink, part.schema) as writer:
                writer.write_table(part)
        return
    _write_csv_parts(table, names, first_row, counts)


def _write_csv_parts(table: pa.Table, names: list[Path], first_row, counts) -> None:
    """Each month's rows as CSV (header, then its lines). Months are taken in batches of about
    CSV_BATCH_ROWS rows, each written as CSV once and cut at its line ends: cheaper than one writer
    per month and the same bytes (the writer formats value by value and quotes text, so a line end
    inside a value is caught below), while the text held at once stays small."""
    month = 0
    while month < len(names):
        last = month + 1  # the batch: months month..last-1
        while (last < len(names)
               and first_row[last] + counts[last] - first_row[month] <= CSV_BATCH_ROWS):
            last += 1
        begin = first_row[month]
        batch = table.slice(begin, first_row[last - 1] + counts[last - 1] - begin)
        sink = pa.BufferOutputStream()
        pa_csv.write_csv(batch, sink)
        text = sink.getvalue()
        line_ends = np.flatnonzero(np.frombuffer(text, np.uint8) == ord("\n")) + 1
        if line_ends.size != batch.num_rows + 1:  # a line end inside a value: month by month
            for m in range(month, last):
                pa_csv.write_csv(table.slice(first_row[m], counts[m]), f"{names[m]}.csv")
        else:
            body = memoryview(text)
            for m in range(month, last):
                lines = body[line_ends[first_row[m] - begin]:
                             line_ends[first_row[m] - begin + counts[m]]]
                with open(f"{names[m]}.csv", "wb") as part:
                    part.write(body[: line_ends[0]])  # the header
                    part.write(lines)
        month = last


def merge_month(parts: list[Path], target: Path) -> None:
    """Write one month's file from its parts, in the order given."""
    if target.suffix == ".parquet":
        _merge_parquet(parts, target)
        return
    with target.open("wb") as out:
        for i, path in enumerate(parts):
            with path.open("rb") as part:
                header = part.readline()
                if i == 0:
                    out.write(header)
                _copy_rest(part, out)


def _merge_parquet(parts: list[Path], target: Path) -> None:
    """The month's Parquet file from its Arrow IPC parts: gathered into row groups in part order.
    A column can be typed in one part and empty (null) in another: one schema for all, from the
    parts' footers."""
    schemas = []
    for path in parts:
        with pa.memory_map(str(path)) as part:
            schemas.append(pa.ipc.open_file(part).schema)
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        group, rows = [], 0
        for path in parts:
            with pa.memory_map(str(path)) as part:  # read_all copies out of the map
                table = pa.ipc.open_file(part).read_all().cast(schema)
            group.append(table)
            rows += table.num_rows
            if rows >= MERGE_ROW_GROUP_ROWS:
                writer.write_table(pa.concat_tables(group), row_group_size=rows)
                group, rows = [], 0
        if group:
            writer.write_table(pa.concat_tables(group), row_group_size=max(rows, 1))


def _copy_rest(source, target) -> None:
    """The rest of an open file onto the end of another, copied in the kernel (copy_file_range)
    where the system allows it: a month of GP events is ~20 MB, and copying it through Python
    buffers took twice as long. Otherwise (another platform, another file system) by buffers."""
    offset = source.tell()
    remaining = os.fstat(source.fileno()).st_size - offset
    target.flush()
    try:
        while remaining > 0:
            copied = os.copy_file_range(source.fileno(), target.fileno(), remaining, offset)
            if copied == 0:  # some file systems copy nothing rather than fail: the rest by buffers
                break
            offset += copied
            remaining -= copied
    except (AttributeError, OSError):  # no copy_file_range here
        pass
    target.seek(0, os.SEEK_END)  # the kernel moved the file's end: tell Python's writer
    if remaining > 0:  # the portable way, from where the kernel stopped
        source.seek(offset)
        shutil.copyfileobj(source, target, 1 << 20)


def month_parts(parts_dir: Path, source: str) -> dict[str, list[Path]]:
    """Each delivery month (YYYYMM) of a source and its part files in shard order."""
    folder = parts_dir / source
    months: dict[str, list[Path]] = {}
    if folder.exists():
        for part in sorted(folder.iterdir()):  # YYYYMM-<shard>: by month, then shard
            months.setdefault(part.name.split("-")[0], []).append(part)
    return months

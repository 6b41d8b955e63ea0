"""Part files and the monthly merge (pipelines/synthetic/delivery.py): a month's file is its parts in
shard order, whatever the way the bytes are copied or the rows grouped."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines.synthetic import delivery
from pipelines.synthetic.delivery import merge_month, month_parts, write_parts


def _shard_frame(shard: int, rows: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows over three delivery months, a text column empty in one shard (typed null there)."""
    months = np.array(["2020-01", "2020-02", "2020-03"], dtype="datetime64[M]")[np.arange(rows) % 3]
    frame = pd.DataFrame({
        "record": np.arange(rows) + 1000 * shard,
        "shard": shard,
        "note": [None] * rows if shard == 1 else [f"text {i}, with a comma" for i in range(rows)],
        "day": months.astype("datetime64[D]") + 3,
    })
    return frame, months


@pytest.fixture
def parts(tmp_path):
    for shard, rows in enumerate([7, 5, 9]):
        frame, months = _shard_frame(shard, rows)
        write_parts(frame, np.arange(rows), months, tmp_path / "parts", "src_csv", "csv", shard)
        write_parts(frame, np.arange(rows), months, tmp_path / "parts", "src_pq", "parquet",
                    shard)
    return tmp_path / "parts"


def _expected(month: str) -> pd.DataFrame:
    frames = []
    for shard, rows in enumerate([7, 5, 9]):
        frame, months = _shard_frame(shard, rows)
        frames.append(frame[months == np.datetime64(month)])
    return pd.concat(frames, ignore_index=True)


def test_a_csv_month_is_one_header_then_each_shards_rows_in_order(parts, tmp_path):
    for month, files in month_parts(parts, "src_csv").items():
        target = tmp_path / f"{month}.csv"
        merge_month(files, target)
        merged = pd.read_csv(target)
        expected = _expected(f"{month[:4]}-{month[4:]}")
        assert merged["record"].tolist() == expected["record"].tolist()
        assert target.read_text().count('"record",') == 1  # one header
        assert (merged["extract_date"] == f"{month[:4]}-{int(month[4:]) + 1:02d}-01").all()


def test_the_csv_merge_gives_the_same_bytes_without_the_kernel_copy(parts, tmp_path, monkeypatch):
    files = month_parts(parts, "src_csv")["202002"]
    merge_month(files, tmp_path / "kernel.csv")
    real = os.copy_file_range

    def unsupported(*args):
        raise OSError(18, "Invalid cross-device link")  # what some file systems answer
    monkeypatch.setattr(os, "copy_file_range", unsupported)
    merge_month(files, tmp_path / "buffers.csv")
    assert (tmp_path / "kernel.csv").read_bytes() == (tmp_path / "buffers.csv").read_bytes()

    calls = []

    def partly(source, target, count, offset):  # copies 5 bytes once, then nothing, as some do
        calls.append(count)
        return real(source, target, min(count, 5), offset) if len(calls) == 1 else 0
    monkeypatch.setattr(os, "copy_file_range", partly)
    merge_month(files[:1], tmp_path / "partly.csv")  # one part: the file is the part itself
    assert len(calls) == 2 and (tmp_path / "partly.csv").read_bytes() == files[0].read_bytes()


@pytest.mark.parametrize("group_rows, groups", [(250_000, 1), (2, 3), (4, 2)])
def test_a_parquet_month_gathers_the_parts_into_row_groups_in_order(parts, tmp_path, monkeypatch,
                                                                     group_rows, groups):
    # February's parts hold 2, 2 and 3 rows: a group closes once it holds group_rows or more.
    monkeypatch.setattr(delivery, "MERGE_ROW_GROUP_ROWS", group_rows)
    target = tmp_path / "202002.parquet"
    merge_month(month_parts(parts, "src_pq")["202002"], target)
    assert pq.ParquetFile(target).metadata.num_row_groups == groups
    merged = pq.read_table(target).to_pandas()
    expected = _expected("2020-02")
    assert merged["record"].tolist() == expected["record"].tolist()
    assert merged["note"].isna().tolist() == expected["note"].isna().tolist()  # null in shard 1 only


def test_parts_hold_the_delivered_records_a_row_twice_or_not_at_all(tmp_path):
    """Rows as delivered (quirks.delivery_months): row 1 re-sent a month later, row 3 not yet sent."""
    frame = pd.DataFrame({"record": [10, 11, 12, 13]})
    rows = np.array([0, 1, 2, 1])
    months = np.array(["2020-01", "2020-01", "2020-02", "2020-02"], dtype="datetime64[M]")
    write_parts(frame, rows, months, tmp_path, "src", "csv", 0)
    parts = month_parts(tmp_path, "src")
    assert [pd.read_csv(p[0])["record"].tolist() for p in parts.values()] == [[10, 11], [12, 11]]

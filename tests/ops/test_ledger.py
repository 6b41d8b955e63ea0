"""The batch ledger: its CHECK constraint is the enum's stored statuses, the writer refuses any
other, and the readers give back what was written."""

import re
from datetime import datetime

import duckdb
import pytest

from pipelines.config import DBT_PROJECT_DIR
from pipelines.ops import ledger
from pipelines.ops.ledger import BatchStatus
from tests.conftest import ops_source_tables


def _check_values(con, table: str, column: str) -> set[str]:
    """The values a table's CHECK (column in (...)) constraint allows, as DuckDB holds it."""
    texts = [row[0] for row in con.execute(
        "select constraint_text from duckdb_constraints() where schema_name = 'ops' and "
        "table_name = ? and constraint_type = 'CHECK'", [table]).fetchall()]
    mine = [text for text in texts if column in text]
    assert len(mine) == 1, texts
    return set(re.findall(r"'([^']*)'", mine[0]))


def _write(con, batch_id: str, status: BatchStatus, source: str = "gp_events", rows: int = 10):
    ledger.record_batch(con, batch_id=batch_id, source=source, file_name=f"{batch_id}.csv",
                        sha256=batch_id * 4, received_at=datetime(2024, 5, int(batch_id[-1]) + 1),
                        status=status, rows_read=rows, rows_loaded=rows, rows_flagged=0, message="")


def test_the_check_constraint_allows_exactly_the_stored_statuses():
    with duckdb.connect() as con:
        ledger.ensure_ledger(con)
        allowed = _check_values(con, "ingest_batches", "status")
    assert allowed == {status.value for status in BatchStatus if status.stored}
    assert allowed == {"loaded", "quarantined", "duplicate"}  # what ledgers already hold


def test_a_status_that_is_not_stored_is_refused_by_the_writer():
    with duckdb.connect() as con:
        ledger.ensure_ledger(con)
        with pytest.raises(ValueError, match="already_loaded"):
            _write(con, "b1", BatchStatus.ALREADY_LOADED)


def test_the_readers_give_back_what_was_written():
    with duckdb.connect() as con:
        ledger.ensure_ledger(con)
        _write(con, "b1", BatchStatus.LOADED)
        _write(con, "b2", BatchStatus.QUARANTINED, rows=0)
        _write(con, "b3", BatchStatus.DUPLICATE)
        rows = ledger.rows(con)
        assert [(r.batch_id, r.status) for r in rows] == [
            ("b1", BatchStatus.LOADED), ("b2", BatchStatus.QUARANTINED),
            ("b3", BatchStatus.DUPLICATE)]
        assert [r.batch_id for r in ledger.rows(con, status=BatchStatus.QUARANTINED)] == ["b2"]
        assert ledger.seen_files(con) == {("gp_events", "b1.csv", "b1" * 4),
                                          ("gp_events", "b3.csv", "b3" * 4)}
        assert ledger.loaded_hashes(con) == {("gp_events", "b1" * 4): "b1"}
        assert ledger.loaded_by_source(con) == {"gp_events": ledger.SourceLoads(1, 10, "b1.csv", 1)}


def test_dbt_filters_name_only_statuses_the_ledger_stores():
    """The published models read stored statuses as literals: each must be one the enum stores."""
    stored = {status.value for status in BatchStatus if status.stored}
    sql = (DBT_PROJECT_DIR / "models" / "published" / "published_source_batches.sql").read_text()
    named = set(re.findall(r"status = '([^']*)'", sql))
    assert named and named <= stored


def test_the_dbt_source_accepts_exactly_the_stored_statuses():
    """published_source_batches counts files by the stored status strings: the dbt test on the
    ledger's status column must list the enum's stored values, no more and no fewer."""
    table = ops_source_tables()["ingest_batches"]
    status = next(c for c in table["columns"] if c["name"] == "status")
    accepted = next(t["accepted_values"] for t in status["data_tests"] if "accepted_values" in t)
    assert set(accepted["arguments"]["values"]) == {s.value for s in ledger.STORED}


def test_a_batch_recorded_again_replaces_its_row():
    """A quarantined file delivered again has the same batch id: its row is replaced, not doubled."""
    with duckdb.connect() as con:
        ledger.ensure_ledger(con)
        _write(con, "b1", BatchStatus.QUARANTINED, rows=3)
        _write(con, "b1", BatchStatus.QUARANTINED, rows=4)
        assert [(r.batch_id, r.rows_read) for r in ledger.rows(con)] == [("b1", 4)]


def test_an_old_ledger_is_numbered_in_received_order_and_the_sequence_continues():
    """A ledger from before delivery_seq (and the synthetic flag): its loaded and quarantined
    batches are numbered in the order they were received (a duplicate, never loaded, gets none);
    whether they were synthetic is not recorded (NULL) until the next landing settles it."""
    with duckdb.connect() as con:
        old_ddl = re.sub(r",\n\s*delivery_seq.*?(?=\n\);)", "", ledger.DDL, flags=re.S)
        assert "delivery_seq" not in old_ddl and "synthetic" not in old_ddl
        con.execute(old_ddl)
        for second, batch_id, status in [(3, "b3", BatchStatus.QUARANTINED),
                                         (1, "b1", BatchStatus.DUPLICATE),
                                         (2, "b2", BatchStatus.LOADED)]:
            con.execute("insert into ops.ingest_batches values (?, 'gp_events', ?, 'x', ?, 1, 1, 0, "
                        "?, '')", [batch_id, f"{batch_id}.csv", datetime(2024, 5, 1, 0, 0, second),
                                   status.value])
        ledger.ensure_ledger(con)
        assert [(r.batch_id, r.delivery_seq, r.synthetic) for r in ledger.rows(con)] == [
            ("b1", None, None), ("b2", 1, None), ("b3", 2, None)]
        assert ledger.next_delivery_seq(con) == 3
        ledger.settle_unrecorded_synthetic(con, True)
        ledger.record_batch(con, batch_id="b4", source="gp_events", file_name="b4.csv", sha256="y",
                            received_at=datetime(2024, 6, 1), status=BatchStatus.LOADED, rows_read=1,
                            rows_loaded=1, rows_flagged=0, message="", delivery_seq=3, synthetic=False)
        ledger.settle_unrecorded_synthetic(con, True)  # settles only what was not recorded
        assert [(r.batch_id, r.synthetic) for r in ledger.rows(con)] == [
            ("b1", True), ("b2", True), ("b3", True), ("b4", False)]

"""Deliveries that are accepted (a UTF-8 byte-order mark, quoted line breaks), a quarantined file
delivered again, and a corrected re-delivery of a month superseding the file it corrects."""

from __future__ import annotations

import csv
import io
import shutil

import duckdb
import jinja2

from pipelines.config import DBT_PROJECT_DIR
from pipelines.contracts.model import load_contracts
from pipelines.landing import land_all
from pipelines.landing.batch import BatchStatus
from pipelines.ops import ledger

DEATHS = "civil_registration_deaths"


def land(settings, validator):
    return [b for b in land_all(settings, [load_contracts()[DEATHS]], validator)
            if b.status != BatchStatus.ALREADY_LOADED]


def raw(settings, sql, parameters=()):
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(sql, list(parameters)).fetchall()


def file_rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_a_utf8_byte_order_mark_is_accepted_and_the_first_column_read(deaths, validator):
    settings, folder, files = deaths
    path = folder / files[3].name
    path.write_bytes(b"\xef\xbb\xbf" + files[3].read_bytes())
    [batch] = land(settings, validator)
    assert batch.status == BatchStatus.LOADED, batch.message
    loaded = raw(settings, f"select person_id, DEC_AGEC from raw.{DEATHS} order by _row_number")
    assert loaded == [(row["person_id"] or None, int(row["DEC_AGEC"])) for row in file_rows(path)]


def test_quoted_line_breaks_and_windows_line_ends_are_accepted(deaths, validator):
    settings, folder, files = deaths
    header, first, *rest = files[3].read_text().splitlines()
    fields = first.split(",")
    fields[9] = '"83\nsee note"'  # POD_ESTABLISHMENT_TYPE: free text, no rule
    (folder / files[3].name).write_bytes("\r\n".join([header, ",".join(fields), *rest, ""]).encode())
    [batch] = land(settings, validator)
    assert batch.status == BatchStatus.LOADED and batch.rows_loaded == 1 + len(rest)
    assert raw(settings, f"select POD_ESTABLISHMENT_TYPE from raw.{DEATHS} where _row_number = 1"
               ) == [("83\nsee note",)]


def test_a_quarantined_file_delivered_again_is_refused_again_with_the_same_report(deaths,
                                                                                  validator):
    settings, folder, files = deaths
    bad = folder / files[3].name
    bad.write_text(files[3].read_text().replace(',"1",', ',"7",').replace(',"2",', ',"7",'))
    [first] = land(settings, validator)
    report = first.quarantine_path / "report.md"
    assert first.status == BatchStatus.QUARANTINED and "allowed_values" in first.message
    text = report.read_text()
    shutil.move(first.quarantine_path / bad.name, bad)

    [again] = land(settings, validator)
    assert again.status == BatchStatus.QUARANTINED and again.batch_id == first.batch_id
    assert again.message == first.message and report.read_text() == text
    assert not bad.exists() and (first.quarantine_path / bad.name).exists()
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        assert [r.status for r in ledger.rows(con)] == [BatchStatus.QUARANTINED]


def latest_versions_sql(relation: str, key_columns: list[str]) -> str:
    """The dbt macro latest_versions, rendered as dbt renders it in a full build (not an
    incremental one, which reads the table being built)."""
    macro = (DBT_PROJECT_DIR / "macros" / "staging" / "latest_versions.sql").read_text()
    call = "{{ latest_versions(relation, key_columns) }}"
    return jinja2.Environment().from_string(macro + call).render(
        relation=relation, key_columns=key_columns, is_incremental=lambda: False)


def test_a_corrected_redelivery_of_a_month_supersedes_the_file_it_corrects(deaths, validator):
    """Same extract date: the later delivery wins — a later run over an earlier one, and within a
    run the later file name — whatever the batch ids (hashes) say."""
    settings, folder, files = deaths
    month = files[3]
    header, first, *rest = month.read_text().splitlines()
    person = first.split(",")[0]

    def corrected(age: int) -> str:
        fields = first.split(",")
        fields[4] = str(age)
        return "\n".join([header, ",".join(fields), *rest]) + "\n"

    shutil.copy(month, folder / month.name)
    [original] = land(settings, validator)
    (folder / month.name.replace(".csv", "_corrected.csv")).write_text(corrected(101))
    (folder / month.name.replace(".csv", "_corrected2.csv")).write_text(corrected(102))
    later = land(settings, validator)
    assert [b.status for b in later] == [BatchStatus.LOADED] * 2
    assert original.delivery_seq < later[0].delivery_seq < later[1].delivery_seq

    in_raw = raw(settings, f"select _batch_id, min(_delivery_seq), max(_delivery_seq) "
                           f"from raw.{DEATHS} group by 1")
    assert {batch: (low, high) for batch, low, high in in_raw} == {
        b.batch_id: (b.delivery_seq, b.delivery_seq) for b in [original, *later]}
    latest = latest_versions_sql(f"raw.{DEATHS}", ["person_id", "REG_DATE_OF_DEATH"])
    assert raw(settings, f"select DEC_AGEC, _batch_id from {latest} where person_id = ?",
               [person.strip('"')]) == [(102, later[1].batch_id)]


def test_an_older_warehouse_gets_the_delivery_sequence_in_received_order(deaths, validator):
    settings, folder, files = deaths
    for path in files[:2]:
        shutil.copy(path, folder)
    land(settings, validator)
    with duckdb.connect(str(settings.duckdb_path)) as con:  # as warehouses were before the column
        con.execute(f"alter table raw.{DEATHS} drop column _delivery_seq")
        con.execute("alter table ops.ingest_batches drop column delivery_seq")
    shutil.copy(files[2], folder)
    [new] = land(settings, validator)
    rows = raw(settings, f"select _batch_id, min(_delivery_seq), count(*) - count(_delivery_seq) "
                         f"from raw.{DEATHS} group by 1 order by 2")
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        received = [(r.batch_id, r.delivery_seq) for r in ledger.rows(con)]
    assert [(batch, seq) for batch, seq, _ in rows] == received
    assert [seq for _, seq in received] == [1, 2, 3] and received[-1][0] == new.batch_id
    assert all(nulls == 0 for *_, nulls in rows)

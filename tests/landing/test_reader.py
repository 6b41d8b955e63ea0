"""Malformed and drifting files give a plain reason, never a traceback."""

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.contracts.model import load_contracts
from pipelines.landing.findings import Refused
from pipelines.landing.identify import read_facts
from pipelines.landing.paths import Entry
from pipelines.landing.reader import (
    check_schema,
    file_schema,
    precheck,
    read_into_landed,
)
from pipelines.landing.scratch import LANDED, create_landed

DEATHS = load_contracts()["civil_registration_deaths"]
HEADER = ",".join(DEATHS.column_names)
ROW = '"0123456789abcdef",2020-01-05,2020-01-09,"2",81,"E01028014","C84050","I219","H",,"ONS",2020-02-01'


def _write(tmp_path, text: bytes | str, name="civil_registration_deaths_202001.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.fixture
def con():
    with duckdb.connect() as con:
        yield con


def _schema(con, path, contract):
    facts = read_facts(Entry.of(path), contract)
    precheck(facts, contract)
    return file_schema(con, path, facts, contract), facts


def read_landed_file(path, contract):
    """The file's rows as text, as landing reads them (Refused if it cannot be parsed)."""
    with duckdb.connect() as con:
        schema, facts = _schema(con, path, contract)
        check_schema(schema, contract)
        create_landed(con, contract)
        failure = read_into_landed(con, contract, {path: schema}, {path: facts.line_breaks}).get(path)
        if failure:
            raise Refused(failure)
        return con.sql(f"select * from {LANDED}").df()


def test_a_good_csv_reads_as_text_with_nulls(tmp_path):
    frame = read_landed_file(_write(tmp_path, f"{HEADER}\n{ROW}\n{ROW}\n"), DEATHS)
    assert list(frame.columns)[:-2] == DEATHS.column_names
    assert frame.loc[0, "DEC_AGEC"] == "81" and len(frame) == 2
    assert frame["POD_ESTABLISHMENT_TYPE"].isna().all()


def test_of_several_files_only_the_bad_one_is_refused(tmp_path, con):
    good = _write(tmp_path, f"{HEADER}\n{ROW}\n", "civil_registration_deaths_202001.csv")
    bad = _write(tmp_path, f"{HEADER}\n{ROW}\n{ROW[:40]}\n", "civil_registration_deaths_202002.csv")
    also_good = _write(tmp_path, f"{HEADER}\n{ROW}\n{ROW}\n", "civil_registration_deaths_202003.csv")
    create_landed(con, DEATHS)
    files = {p: _schema(con, p, DEATHS)[0] for p in (good, bad, also_good)}
    failures = read_into_landed(con, DEATHS, files)
    assert list(failures) == [bad]
    assert failures[bad].describe() == ("rule 'readable_file' on whole file: 1 failing row(s) "
                                        "(line 3: expected 12 columns, found 3)")
    rows = con.execute(f"select __file, count(*), min(rowid), max(rowid) from {LANDED} group by 1 "
                       "order by 1").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(str(good), 1), (str(also_good), 2)]
    assert rows[1][3] - rows[1][2] == 1  # a file's rows are contiguous, in file order


def test_empty_file(tmp_path):
    with pytest.raises(Refused, match="empty"):
        read_landed_file(_write(tmp_path, ""), DEATHS)


def test_a_short_last_row_is_a_truncated_file(tmp_path):
    with pytest.raises(Refused) as refused:
        read_landed_file(_write(tmp_path, f"{HEADER}\n{ROW}\n{ROW[:40]}\n"), DEATHS)
    finding = refused.value.finding
    assert (finding.rule, finding.failing_count) == ("truncated", 1)
    assert finding.detail == "line 3: expected 12 columns, found 3"


def test_no_final_line_break_is_a_truncated_file(tmp_path):
    with pytest.raises(Refused, match="'truncated'.*does not end with a line break"):
        read_landed_file(_write(tmp_path, f"{HEADER}\n{ROW}\n{ROW}"), DEATHS)


def test_wrong_encoding(tmp_path):
    text = f"{HEADER}\n{ROW}\n".replace("ONS", "Ménière").encode("latin-1")
    with pytest.raises(Refused, match="line 2: not valid UTF-8") as refused:
        read_landed_file(_write(tmp_path, text), DEATHS)
    assert "Ménière" not in str(refused.value) and "M\\xe9" not in str(refused.value)


def test_wrong_delimiter(tmp_path):
    text = f"{HEADER}\n{ROW}\n".replace(",", ";")
    with pytest.raises(Refused, match="delimited by ';', the contract says ','"):
        read_landed_file(_write(tmp_path, text), DEATHS)


def test_renamed_column_is_named(tmp_path):
    text = f"{HEADER.replace('DEC_AGEC', 'AGE')}\n{ROW}\n"
    with pytest.raises(Refused) as drift:
        read_landed_file(_write(tmp_path, text), DEATHS)
    assert drift.value.finding.column == "DEC_AGEC, AGE"
    assert "renamed? DEC_AGEC -> AGE" in str(drift.value)


def test_a_repeated_column_is_named(tmp_path):
    text = f"{HEADER.replace('DEC_AGEC', 'DEC_SEX')}\n{ROW}\n"
    with pytest.raises(Refused, match="the header repeats column.s. DEC_SEX") as drift:
        read_landed_file(_write(tmp_path, text), DEATHS)
    assert drift.value.finding.column == "DEC_SEX"


def test_a_header_name_that_is_not_a_column_name_is_not_echoed(tmp_path):
    text = f"{HEADER.replace('DEC_AGEC', 'x; drop table y')}\n{ROW}\n"
    with pytest.raises(Refused) as drift:
        read_landed_file(_write(tmp_path, text), DEATHS)
    assert "drop" not in str(drift.value) and "<column 5>" in str(drift.value)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    frame = read_landed_file(_write(tmp_path, b"\xef\xbb\xbf" + f"{HEADER}\n{ROW}\n".encode()), DEATHS)
    assert frame.loc[0, "person_id"] == "0123456789abcdef" and len(frame) == 1


def test_not_the_declared_format(tmp_path):
    ecds = load_contracts()["ecds_attendances"]
    path = _write(tmp_path, f"{HEADER}\n{ROW}\n", "ecds_attendances_202001.parquet")
    with pytest.raises(Refused, match="not a Parquet file"):
        read_landed_file(path, ecds)


ARROW_TYPES = {"BIGINT": pa.int64(), "VARCHAR": pa.string(), "DATE": pa.date32(),
               "TIMESTAMP": pa.timestamp("us"), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_()}


def test_a_parquet_column_empty_all_month_and_typed_null_is_not_drift(tmp_path):
    """Writers type a column with no value at all as null (e.g. a diagnosis position nobody
    used that month): it fits any contract type; its nullability is the contract's business."""
    apc = load_contracts()["apc_episodes"]
    columns = {c.name: pa.array([None], ARROW_TYPES[c.type]) for c in apc.columns}
    columns["Secondary_Diagnosis_19"] = pa.array([None], pa.null())
    path = tmp_path / "apc_episodes_202001.parquet"
    pq.write_table(pa.table(columns), path)
    with duckdb.connect() as con:
        assert _schema(con, path, apc)[0].types["Secondary_Diagnosis_19"] == '"NULL"'
    landed = read_landed_file(path, apc)  # not refused as drift
    assert len(landed) == 1 and landed["Secondary_Diagnosis_19"].isna().all()


def test_parquet_with_a_changed_type_is_drift(tmp_path):
    ecds = load_contracts()["ecds_attendances"]
    columns = {c.name: pa.array(["1"], pa.string()) for c in ecds.columns}
    path = tmp_path / "ecds_attendances_202001.parquet"
    pq.write_table(pa.table(columns), path)
    with pytest.raises(Refused) as drift:
        read_landed_file(path, ecds)
    assert "EC_Ident" in drift.value.finding.column
    assert "column EC_Ident is VARCHAR, contract says BIGINT" in str(drift.value)

"""Real bad files through the real ingestion: each failure kind is quarantined with a message
naming rule and column, recorded in the ledger, and leaves the raw tables as they were."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.config import PROJECT_ROOT
from pipelines.contracts.model import load_contracts
from pipelines.landing import land_all
from pipelines.landing.batch import BatchStatus
from pipelines.landing.validation import ContractValidator
from pipelines.ops import ledger

DEATHS, ECDS = "civil_registration_deaths", "ecds_attendances"


@pytest.fixture(scope="module")
def validator():
    return ContractValidator()


@pytest.fixture
def warehouse(ph_env, small_extracts, validator):
    """The first three months of deaths and ECDS landed; returns settings and a good deaths file."""
    for source in (DEATHS, ECDS):
        (ph_env.landing_dir / source).mkdir(parents=True)
        for path in sorted((small_extracts / source).iterdir())[:3]:
            shutil.copy(path, ph_env.landing_dir / source)
        land_all(ph_env, [load_contracts()[source]], validator)
    good = sorted((small_extracts / DEATHS).iterdir())[3]
    return ph_env, good


def counts(settings) -> dict:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return {t: con.execute(f"select count(*), sum(hash(r)) from raw.{t} r").fetchone()
                for t in (DEATHS, ECDS)}


def ledger_entries(settings) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return [(row.file_name, row.status, row.message) for row in ledger.rows(con)]


def _lines(good: Path) -> list[str]:
    return good.read_text().splitlines()


def bad_value(good):
    header, *rows = _lines(good)
    return "\n".join([header] + [r.replace(',"1",', ',"7",', 1).replace(',"2",', ',"7",', 1)
                                 for r in rows]) + "\n"


def drop_column(good):
    return "\n".join(",".join(f for i, f in enumerate(line.split(",")) if i != 4)
                     for line in _lines(good)) + "\n"


def add_column(good):
    header, *rows = _lines(good)
    return "\n".join([header + ',"EXTRA"'] + [r + ",1" for r in rows]) + "\n"


def rename_column(good):
    return good.read_text().replace('"DEC_AGEC"', '"AGE"', 1)


def truncate(good):
    text = good.read_text()
    return text[: len(text) - 40]


def semicolons(good):
    return good.read_text().replace(",", ";")


def latin1(good):
    return good.read_text().replace("ONS_CIVIL", "ONS_CIVIL_Ménière").encode("latin-1")


CSV_CASES = {
    "reject rule": (bad_value, "allowed_values", "DEC_SEX"),
    "missing column": (drop_column, "schema", "missing column(s) DEC_AGEC"),
    "extra column": (add_column, "schema", "unexpected column(s) EXTRA"),
    "renamed column": (rename_column, "schema", "renamed? DEC_AGEC -> AGE"),
    "truncated file": (truncate, "truncated", "does not end with a line break"),
    "wrong delimiter": (semicolons, "readable_file", "delimited by ';'"),
    "wrong encoding": (latin1, "readable_file", "not valid UTF-8"),
    "empty file": (lambda good: "", "readable_file", "empty"),
}


def _assert_quarantined(settings, before, source, name, rule, words):
    batches = land_all(settings, [load_contracts()[source]])
    bad = [b for b in batches if b.file_name == name]
    assert [b.status for b in bad] == [BatchStatus.QUARANTINED]
    assert rule in bad[0].message and words in bad[0].message, bad[0].message
    folder = settings.quarantine_dir / source / bad[0].batch_id
    assert (folder / name).exists() and not (settings.landing_dir / source / name).exists()
    report = (folder / "report.md").read_text()
    assert rule in report
    assert counts(settings) == before
    assert (name, BatchStatus.QUARANTINED, bad[0].message) in ledger_entries(settings)


@pytest.mark.parametrize("case", CSV_CASES)
def test_a_bad_csv_is_quarantined_and_changes_nothing(warehouse, case):
    settings, good = warehouse
    make, rule, words = CSV_CASES[case]
    before = counts(settings)
    content = make(good)
    path = settings.landing_dir / DEATHS / "civil_registration_deaths_209901.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    _assert_quarantined(settings, before, DEATHS, path.name, rule, words)


def test_a_parquet_with_a_changed_type_is_quarantined(warehouse, small_extracts):
    settings, _ = warehouse
    before = counts(settings)
    table = pq.read_table(sorted((small_extracts / ECDS).iterdir())[3])
    table = table.set_column(0, "EC_Ident", table.column("EC_Ident").cast(pa.string()))
    pq.write_table(table, settings.landing_dir / ECDS / "ecds_attendances_209901.parquet")
    _assert_quarantined(settings, before, ECDS, "ecds_attendances_209901.parquet", "schema",
                        "column EC_Ident is VARCHAR, contract says BIGINT")


def test_a_file_not_in_the_declared_format_is_quarantined(warehouse):
    settings, good = warehouse
    before = counts(settings)
    shutil.copy(good, settings.landing_dir / ECDS / "ecds_attendances_209901.parquet")
    _assert_quarantined(settings, before, ECDS, "ecds_attendances_209901.parquet",
                        "readable_file", "not a Parquet file")


def test_flagged_rows_load_with_their_flags(warehouse):
    settings, good = warehouse
    header, *rows = _lines(good)
    rows[0] = rows[0].replace('"E01', '"W01', 1)  # a Welsh LSOA: flagged, not rejected
    (settings.landing_dir / DEATHS / "civil_registration_deaths_209901.csv").write_text(
        "\n".join([header, *rows]) + "\n")
    loaded = [b for b in land_all(settings, [load_contracts()[DEATHS]])
              if b.status == BatchStatus.LOADED]
    assert len(loaded) == 1 and loaded[0].rows_flagged == 1
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        flags = con.execute(f"select _dq_flags from raw.{DEATHS} where _batch_id = ? and "
                            "_dq_flags is not null", [loaded[0].batch_id]).fetchall()
    assert flags == [("LSOA_OF_RESIDENCE_CODE:pattern",)]


def test_same_file_again_loads_once_and_the_next_month_adds_exactly_its_rows(warehouse):
    settings, good = warehouse
    before = counts(settings)
    contract = load_contracts()[DEATHS]
    assert {b.status for b in land_all(settings, [contract])} == {BatchStatus.ALREADY_LOADED}
    shutil.copy(sorted((settings.landing_dir / DEATHS).iterdir())[0],
                settings.landing_dir / DEATHS / "civil_registration_deaths_copy.csv")
    statuses = [b.status for b in land_all(settings, [contract])]
    assert statuses.count(BatchStatus.DUPLICATE) == 1
    assert counts(settings) == before
    shutil.copy(good, settings.landing_dir / DEATHS)
    added = [b for b in land_all(settings, [contract]) if b.status == BatchStatus.LOADED]
    assert [b.file_name for b in added] == [good.name]
    assert counts(settings)[DEATHS][0] == before[DEATHS][0] + len(_lines(good)) - 1



def test_the_same_content_twice_in_one_delivery_loads_once(warehouse):
    settings, good = warehouse
    before = counts(settings)
    shutil.copy(good, settings.landing_dir / DEATHS / good.name)
    shutil.copy(good, settings.landing_dir / DEATHS / good.name.replace(".csv", "_resent.csv"))
    batches = {b.file_name: b for b in land_all(settings, [load_contracts()[DEATHS]])
               if b.status != BatchStatus.ALREADY_LOADED}
    assert batches[good.name].status == BatchStatus.LOADED
    resent = batches[good.name.replace(".csv", "_resent.csv")]
    assert resent.status == BatchStatus.DUPLICATE and batches[good.name].batch_id in resent.message
    assert counts(settings)[DEATHS][0] == before[DEATHS][0] + len(_lines(good)) - 1


def test_a_kill_part_way_leaves_whole_batches_and_a_rerun_completes(ph_env, small_extracts):
    source = "gp_events"
    shutil.copytree(small_extracts / source, ph_env.landing_dir / source)
    expected = sum(len(p.read_text().splitlines()) - 1 for p in (ph_env.landing_dir / source)
                   .iterdir())
    child = subprocess.Popen([sys.executable, "-m", "tests.landing.land_in_small_chunks", source],
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
                             cwd=PROJECT_ROOT)
    for _ in range(3):  # let three batches commit, then kill -9 in the middle of the rest
        assert child.stdout.readline().strip() == BatchStatus.LOADED
    child.send_signal(signal.SIGKILL)
    child.wait()

    with duckdb.connect(str(ph_env.duckdb_path)) as con:
        loaded = [(row.batch_id, row.rows_loaded)
                  for row in ledger.rows(con, status=BatchStatus.LOADED)]
        in_raw = dict(con.execute(f"select _batch_id, count(*) from raw.{source} "
                                  "group by 1").fetchall())
    assert 3 <= len(loaded) < 24
    assert in_raw == dict(loaded)  # every batch whole, nothing without its ledger row

    land_all(ph_env, [load_contracts()[source]])
    with duckdb.connect(str(ph_env.duckdb_path), read_only=True) as con:
        assert con.execute(f"select count(*) from raw.{source}").fetchone()[0] == expected

"""A feed with clear NHS numbers: checked by modulus 11, replaced by a keyed pseudonym at landing,
and the clear value found nowhere afterwards."""

import duckdb
import pytest

from pipelines.contracts.model import parse_contract
from pipelines.landing import land_all
from pipelines.landing.batch import BatchStatus
from pipelines.landing.pseudonymise import PseudonymisationKeyMissing, nhs_number_is_valid

CONTRACT = """
id: community_contacts
title: Community contacts
owner: test
delivery: {frequency: monthly, format: csv, file_pattern: "community_contacts_*.csv"}
primary_key: {columns: [nhs_number, contact_date], severity: flag}
columns:
  - {name: nhs_number, type: VARCHAR, nullable: false, sensitivity: identifier,
     pseudonymise_into: person_id}
  - {name: contact_date, type: DATE, nullable: false, sensitivity: quasi_identifier}
"""


def with_check_digit(nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else nine + str(check)


NUMBERS = [n for n in (with_check_digit(f"94347{i:04d}") for i in range(40)) if n][:12]


def test_modulus_11():
    assert nhs_number_is_valid("9434765919")  # the NHS's published example
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("943476591") and not nhs_number_is_valid("94347659AB")


@pytest.fixture
def feed(ph_env, tmp_path):
    contract_path = tmp_path / "community_contacts.yml"
    contract_path.write_text(CONTRACT)
    folder = ph_env.landing_dir / "community_contacts"
    folder.mkdir(parents=True)
    return ph_env, parse_contract(contract_path), folder


def _write(folder, name, numbers):
    (folder / name).write_text("nhs_number,contact_date\n"
                               + "".join(f"{n},2024-05-0{i % 9 + 1}\n"
                                         for i, n in enumerate(numbers)))


def test_clear_numbers_are_replaced_and_never_stored(feed, monkeypatch, capsys):
    settings, contract, folder = feed
    monkeypatch.setenv("PH_PSEUDO_KEY", "test-key-not-for-production")
    _write(folder, "community_contacts_202405.csv", NUMBERS)
    _write(folder, "community_contacts_202406.csv", [*NUMBERS[:3], "9434765918"])  # bad check
    batches = land_all(settings, [contract])
    assert [b.status for b in batches] == [BatchStatus.LOADED, BatchStatus.QUARANTINED]
    assert "nhs_number_checksum" in batches[1].message and "1 failing row" in batches[1].message

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        ids = [r[0] for r in con.execute("select person_id from raw.community_contacts").fetchall()]
        columns = [r[0] for r in con.execute("describe raw.community_contacts").fetchall()]
    assert len(ids) == len(NUMBERS) and all(len(i) == 16 for i in ids)
    assert "nhs_number" not in columns
    # Nowhere: not in the warehouse file, the quarantine reports, nor anything printed.
    stored = settings.duckdb_path.read_bytes()
    reports = "".join(p.read_text() for p in settings.quarantine_dir.rglob("report.*"))
    printed = "".join(capsys.readouterr())
    for number in [*NUMBERS, "9434765918"]:
        assert number.encode() not in stored
        assert number not in reports and number not in printed


def test_the_same_key_gives_the_same_pseudonym_and_another_key_does_not(feed, monkeypatch):
    import pyarrow as pa

    from pipelines.landing.pseudonymise import pseudonymise_array

    values = pa.array([NUMBERS[0], None, NUMBERS[1]])
    first = pseudonymise_array(values, b"k1").to_pylist()
    assert first == pseudonymise_array(values, b"k1").to_pylist()
    assert first != pseudonymise_array(values, b"k2").to_pylist()
    assert first[1] is None and len(set(first)) == 3


def test_no_key_is_a_clear_error(feed, monkeypatch):
    settings, contract, folder = feed
    monkeypatch.delenv("PH_PSEUDO_KEY", raising=False)
    monkeypatch.delenv("PH_PSEUDO_KEY_FILE", raising=False)
    _write(folder, "community_contacts_202405.csv", NUMBERS)
    with pytest.raises(PseudonymisationKeyMissing, match="PH_PSEUDO_KEY"):
        land_all(settings, [contract])

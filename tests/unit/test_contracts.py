import pytest

from pipelines.contracts.model import ContractError, load_contracts, parse_contract


def test_every_contract_parses_with_owner_frequency_and_sensitivity():
    contracts = load_contracts()
    from tests.unit.test_synthetic import SPEC_FIELDS

    assert set(contracts) == set(SPEC_FIELDS)  # every source the demo extracts deliver
    for contract in contracts.values():
        assert contract.owner and contract.frequency == "monthly"
        person_columns = {c.name for c in contract.columns if c.name.endswith("person_id")}
        assert person_columns <= contract.identifier_columns
        assert {c.sensitivity for c in contract.columns} <= {"identifier", "quasi_identifier",
                                                             "clinical", "none"}


def test_implicit_rules_come_from_nullability_and_type():
    deaths = load_contracts()["civil_registration_deaths"]
    names = {rule.name for rule in deaths.rules}
    assert "REG_DATE_OF_DEATH:not_null" in names
    assert "REG_DATE_OF_DEATH:type" in names
    assert "person_id:not_null" not in names  # unmatched deaths arrive with no person_id
    assert "unique_key" in names and "row_count" in names


def test_a_wrong_severity_is_a_contract_error(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(
        "id: broken\ntitle: t\nowner: o\ndelivery: {frequency: monthly, format: csv, "
        "file_pattern: '*.csv'}\ncolumns:\n  - {name: a, type: VARCHAR, rules: "
        "[{rule: pattern, regex: 'x', severity: maybe}]}\n")
    with pytest.raises(ContractError, match="severity"):
        parse_contract(path)


def test_every_contract_says_what_the_data_quality_summary_needs():
    contracts = load_contracts()
    registers = [c.id for c in contracts.values() if c.quality.date_of_death]
    assert registers == ["civil_registration_deaths"]  # activity after death is measured against it
    for contract in contracts.values():
        raw_names = {c.raw_name for c in contract.columns}
        assert contract.quality.event_date in raw_names and contract.quality.key_fields
        if contract.quality.person:
            assert contract.quality.person in contract.identifier_columns


def test_a_quality_block_naming_an_unknown_column_is_a_contract_error(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(
        "id: broken\ntitle: t\nowner: o\ndelivery: {frequency: monthly, format: csv, "
        "file_pattern: '*.csv'}\nquality: {event_date: when, person: who}\n"
        "columns:\n  - {name: when, type: DATE}\n")
    with pytest.raises(ContractError, match="who"):
        parse_contract(path)

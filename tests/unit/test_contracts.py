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

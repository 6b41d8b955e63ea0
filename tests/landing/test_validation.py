"""Great Expectations suites compiled from the contracts, run on small real frames."""

import pandas as pd
import pytest

from pipelines.contracts.model import load_contracts
from pipelines.landing.quarantine import REDACTED
from pipelines.landing.validation import ContractValidator


@pytest.fixture(scope="module")
def validator():
    return ContractValidator()


def _deaths(**changes):
    row = {"person_id": "0123456789abcdef", "REG_DATE_OF_DEATH": "2020-01-05",
           "REG_DATE": "2020-01-09", "DEC_SEX": "2", "DEC_AGEC": "81",
           "LSOA_OF_RESIDENCE_CODE": "E01028014", "GP_PRACTICE_CODE": "C84050",
           "S_UNDERLYING_COD_ICD10": "I219", "POD_CODE": "H", "POD_ESTABLISHMENT_TYPE": None,
           "source_system": "ONS", "extract_date": "2020-02-01"}
    frame = pd.DataFrame([row, {**row, "person_id": "fedcba9876543210"}])
    for column, values in changes.items():
        frame[column] = values
    return frame


def test_a_clean_frame_passes_every_rule(validator):
    result = validator.validate_frame(load_contracts()["civil_registration_deaths"], _deaths())
    assert result.rejections == [] and result.flags == []


def test_reject_rule_reports_column_count_and_examples(validator):
    result = validator.validate_frame(load_contracts()["civil_registration_deaths"],
                                _deaths(DEC_SEX=["7", "7"], DEC_AGEC=["81", "abc"]))
    failures = {r.rule.name: r for r in result.rejections}
    assert failures["DEC_SEX:allowed_values"].failing_count == 2
    assert failures["DEC_SEX:allowed_values"].examples == ("7",)
    # a non-number is reported once, by the type rule, not again by the range rule
    assert failures["DEC_AGEC:type"].failing_count == 1
    assert "DEC_AGEC:between" not in failures


def test_identifier_values_never_appear_as_examples(validator):
    result = validator.validate_frame(load_contracts()["civil_registration_deaths"],
                                _deaths(person_id=["9434765919", "not-a-pseudonym"]))
    failure = next(r for r in result.rejections if r.rule.name == "person_id:pattern")
    assert failure.failing_count == 2
    assert failure.examples == (REDACTED,)


def test_flag_rules_mark_rows_without_rejecting(validator):
    result = validator.validate_frame(load_contracts()["civil_registration_deaths"],
                                _deaths(LSOA_OF_RESIDENCE_CODE=["E01028014", "W01000001"]))
    assert result.rejections == []
    assert [(r.rule.name, r.failing_count, r.examples) for r in result.flags] == \
        [("LSOA_OF_RESIDENCE_CODE:pattern", 1, ())]
    assert result.rows_flagged == 1 and result.rows == 2


def test_counts_are_of_rows_not_of_distinct_values(validator):
    """GX sees each distinct value once; the counts and examples are still per row."""
    result = validator.validate_frame(load_contracts()["civil_registration_deaths"],
                                      _deaths(DEC_SEX=["7", "7"], person_id=["a", "a"]))
    failures = {r.rule.name: r for r in result.rejections}
    assert failures["DEC_SEX:allowed_values"].failing_count == 2
    assert failures["person_id:pattern"].failing_count == 2


def test_a_duplicated_key_is_counted_per_row(validator):
    frame = pd.DataFrame({"event_id": ["E1", "E2", "E2", "E3", None, None],
                          "person_id": ["0123456789abcdef"] * 6, "practice_code": ["C84011"] * 6,
                          "clinical_effective_date": ["2020-01-01"] * 6,
                          "recorded_date": [None] * 6, "snomed_code": ["38341003"] * 6,
                          "value_numeric": ["1.5", "2", "x", None, None, None],
                          "value_unit": [None] * 6, "source_system": ["GP"] * 6,
                          "extract_date": ["2020-02-01"] * 6})
    result = validator.validate_frame(load_contracts()["gp_events"], frame)
    failures = {r.rule.name: r for r in result.results if not r.passed}
    assert failures["unique_key"].failing_count == 2
    assert failures["event_id:not_null"].failing_count == 2
    assert failures["value_numeric:type"].failing_count == 1
    assert result.rows_flagged == 2  # the key is a flag rule; the others reject

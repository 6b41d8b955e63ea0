"""The disclosure policy has one home (dbt_project.yml vars.disclosure): the docs, the dbt tests
and the Python code must agree with it."""

from __future__ import annotations

import re

import yaml

from pipelines.config import DBT_PROJECT_DIR, PROJECT_ROOT
from pipelines.disclosure import STATUSES, load_policy


def test_the_docs_quote_the_policy_as_it_stands():
    policy = load_policy()
    text = (PROJECT_ROOT / "docs" / "disclosure.md").read_text()
    block = text.split("<!-- policy:start -->")[1].split("<!-- policy:end -->")[0]
    rows = {re.sub(r"[`\s]", "", cells[0]): cells[1].strip()
            for line in block.strip().splitlines()[2:]
            for cells in [line.strip("|").split("|")]}
    assert rows == {
        "suppress_min,suppress_max": f"{policy.suppress_min}, {policy.suppress_max}",
        "round_to": str(policy.round_to),
        "attribute_min_denominator": str(policy.attribute_min_denominator),
        "low_numbers_denominator": str(policy.low_numbers_denominator),
        "dsr_min_events": str(policy.dsr_min_events),
        "breakdown_area_types": ", ".join(policy.breakdown_area_types),
    }


def test_rounding_and_the_small_count_rule():
    policy = load_policy()
    assert [policy.rounded(n) for n in (0, 8, 12, 13, 17, 18, 1002)] == [0, 10, 10, 15, 15, 20, 1000]
    assert [policy.is_small(n) for n in (0, 1, 7, 8)] == [False, True, True, False]
    assert policy.publishes("local_authority", "all") and not policy.publishes("local_authority", "sex")


def test_the_status_vocabulary_is_the_one_the_dbt_tests_accept():
    models = yaml.safe_load((DBT_PROJECT_DIR / "models" / "marts" / "disclosure"
                             / "_disclosure__models.yml").read_text())["models"]
    decisions = next(m for m in models if m["name"] == "disclosure_decisions")
    for column in decisions["columns"]:
        accepted = column["data_tests"][0]["accepted_values"]["arguments"]["values"]
        assert tuple(accepted) == STATUSES

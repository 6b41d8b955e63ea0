"""The differencing attack (tests/disclosure/attack.py) against the session's built warehouse:
from the published schema alone it must recover no withheld count, and nothing published may be
a count of 1-7 or off the rounding base. (Against the pipeline before disclosure control was
rebuilt, the same attack recovered 9,229 withheld counts exactly on the demo, 2,530 of them 1-7.)"""

from __future__ import annotations

import pytest

from pipelines.disclosure import load_policy
from tests.disclosure.attack import attack, summary, truth


@pytest.fixture(scope="module")
def attacked(built_warehouse):
    settings, _ = built_warehouse
    result = attack(settings.duckdb_path)
    return result, summary(result, truth(settings.duckdb_path))


def test_the_attack_recovers_no_withheld_count(attacked):
    result, found = attacked
    assert found["hidden_cells"] > 100, "the small warehouse should have withheld counts to attack"
    assert found["relations"] > 1000
    assert found["hidden_recovered_exactly"] == 0, found
    assert found["hidden_recovered_1_to_7"] == 0, found


def test_values_and_limits_give_away_nothing_beyond_the_published_counts(attacked):
    _, found = attacked
    assert found["exact_counts_from_value_and_limits"] == 0, found


def test_every_published_count_is_zero_or_a_rounded_count_above_the_threshold(attacked):
    result, _ = attacked
    policy = load_policy()
    assert policy.round_to == 5 and policy.suppress_max == 7  # what attack() checks by default
    assert result.published_small_counts == []
    assert result.published_off_base == []


def test_the_ics_and_place_totals_of_large_indicators_stay_published(built_warehouse):
    """Over-suppression is a defect too: every ICS or place `all` row with an exact denominator
    over 1,000 and a numerator over 7 is published, unless it is the complement of a small count
    in another place of the same indicator and period (ICS = sum of places)."""
    from tests.dbt.test_build import query

    settings, _ = built_warehouse
    rows = query(settings, """
        select exact.area_type, published.suppression, exists (
            select 1 from published.indicator_values as sibling
            where sibling.indicator_id = exact.indicator_id and sibling.period = exact.period
              and sibling.breakdown = 'all' and sibling.area_type = 'place'
              and sibling.suppression = 'primary') as beside_a_small_place
        from marts.fct_indicator_values as exact
        join published.indicator_values as published
            using (indicator_id, period, area_type, area_code, breakdown, breakdown_value)
        where exact.breakdown = 'all' and exact.area_type in ('ics', 'place')
          and exact.denominator > 1000 and exact.numerator > 7""")
    assert len(rows) > 10
    assert [r for r in rows if r[1] is not None and (r[0] == "ics" or not r[2])] == []

"""XmR limits and the Making Data Count rules on hand-made series."""

import pytest

from pipelines.report.spc import assurance, variation, xmr

FLAT = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13]  # mean 11.5, mean moving range 2


def rules(chart, index):
    return {rule for rule, _ in chart.signals.get(index, set())}


def test_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    chart = xmr(FLAT)
    moving = [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2]
    assert chart.mean == pytest.approx(11.5)
    assert chart.upper == pytest.approx(11.5 + 2.66 * sum(moving) / 11)
    assert chart.lower == pytest.approx(11.5 - 2.66 * sum(moving) / 11)
    assert chart.signals == {}
    assert variation(chart, "higher_is_better") == "common_cause"


def test_a_point_beyond_the_upper_limit_is_rule_1_and_concern_when_lower_is_better():
    chart = xmr(FLAT + [30])
    assert rules(chart, 12) == {1}
    assert variation(chart, "lower_is_better") == "concern_high"
    assert variation(chart, "higher_is_better") == "improvement_high"
    assert variation(chart, "no_judgement") == "neither_high"


def test_a_run_of_seven_below_the_mean_is_rule_2_and_six_is_not():
    six = xmr([14, 15, 14, 15, 14, 15, 9.9, 9.8, 9.9, 9.8, 9.9, 9.8, 14])
    assert not any(2 in rules(six, i) for i in range(13))
    seven = xmr([14, 15, 14, 15, 14, 15, 9.9, 9.8, 9.9, 9.8, 9.9, 9.8, 9.9])
    assert all(2 in rules(seven, i) for i in range(6, 13))
    assert variation(seven, "higher_is_better") == "concern_low"


def test_six_rising_points_are_a_trend_and_five_are_not():
    five = xmr([12, 11, 12, 11, 12, 11, 11.2, 11.4, 11.6, 11.8, 11.5])
    assert not any(3 in rules(five, i) for i in range(11))
    six = xmr([12, 11, 12, 11, 12, 11, 11.2, 11.4, 11.6, 11.8, 12.0])
    assert {i for i in range(11) if 3 in rules(six, i)} == {5, 6, 7, 8, 9, 10}


def test_two_of_three_points_beyond_two_sigma_on_one_side_is_rule_4():
    base = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12]
    chart = xmr(base + [18, 11, 18])  # mean 12, upper limit 20.4, 2 sigma above at 17.6
    assert 4 in rules(chart, 10) and 4 in rules(chart, 12)
    assert 1 not in rules(chart, 12)
    apart = xmr(base + [18, 11, 11, 18])
    assert not any(4 in rules(apart, i) for i in range(14))


def test_assurance_compares_the_target_with_the_limits():
    chart = xmr(FLAT)  # limits about 6.4 to 16.6
    assert assurance(chart, "higher_is_better", 5) == "pass"
    assert assurance(chart, "higher_is_better", 20) == "fail"
    assert assurance(chart, "lower_is_better", 5) == "fail"
    assert assurance(chart, "higher_is_better", 12) == "hit_and_miss"
    assert assurance(chart, "higher_is_better", None) is None


def test_a_single_point_is_not_a_chart():
    with pytest.raises(ValueError):
        xmr([3])

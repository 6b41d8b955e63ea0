"""Narrative sentences claim a change, gap or difference only when the statistics support it."""

import pandas as pd

from pipelines.report.narrative import (
    describe_change,
    describe_count_change,
    describe_gap,
    describe_sii_trend,
    describe_vs_ics,
)


def _row(period, value, low, high):
    return pd.Series({"period": period, "value": value, "lower_ci95": low, "upper_ci95": high})


def _sii(period, sii, low, high):
    return pd.Series({"period": period, "sii": sii, "sii_lower_ci95": low, "sii_upper_ci95": high})


def test_a_fall_is_claimed_only_when_intervals_separate():
    assert describe_change(_row("2019/20", 50, 47, 53), _row("2021/22", 35, 32, 38), "%") \
        == "fell from 50.0% in 2019/20 to 35.0% in 2021/22"
    overlapping = describe_change(_row("2019/20", 50, 44, 56), _row("2021/22", 46, 40, 52), "%")
    assert "no clear change" in overlapping and "fell" not in overlapping


def test_gap_between_fifths():
    assert describe_gap(_row("q1", 30, 28, 32), _row("q5", 15, 13, 17), "%").startswith("higher")
    assert "no clear difference" in describe_gap(_row("q1", 30, 20, 40), _row("q5", 28, 20, 36), "%")
    assert "suppressed" in describe_gap(_row("q1", None, None, None), _row("q5", 28, 20, 36), "%")


def test_the_inequality_gap_widens_or_narrows_only_when_the_sii_intervals_separate():
    widened = describe_sii_trend(_sii("2019/20", -10, -12, -8), _sii("2024/25", -20, -23, -17), "%")
    assert "widened from 10.0 percentage points in 2019/20 to 20.0 percentage points in 2024/25" \
        in widened
    narrowed = describe_sii_trend(_sii("2019/20", 20, 17, 23), _sii("2024/25", 10, 8, 12), "%")
    assert "narrowed" in narrowed
    unclear = describe_sii_trend(_sii("2019/20", -10, -14, -6), _sii("2024/25", -12, -16, -8), "%")
    assert "no clear change" in unclear and "widened" not in unclear
    assert "withheld" in describe_sii_trend(_sii("2019/20", None, None, None),
                                            _sii("2024/25", -12, -16, -8), "%")


def test_areas_differ_from_the_ics_only_outside_their_99_8_percent_limits():
    areas = pd.DataFrame({"area_name": ["A", "B", "C"], "value": [30.0, 12.0, 21.0],
                          "lower_ci998": [25.0, 10.0, 15.0], "upper_ci998": [35.0, 14.0, 27.0]})
    assert describe_vs_ics(areas, 20.0, "%") == \
        "A is above and B is below the ICS value of 20.0% (outside 99.8% limits)"
    assert describe_vs_ics(areas.iloc[[2]], 20.0, "%").startswith("no area differs clearly")


def test_a_count_falls_only_beyond_poisson_chance_variation():
    assert describe_count_change(270, 130, "2019/20", "2024/25") == \
        "fell from 270 in 2019/20 to 130 in 2024/25 (-52%)"
    assert "no clear change" in describe_count_change(30, 25, "2019/20", "2024/25")
    assert "suppressed" in describe_count_change(None, 25, "2019/20", "2024/25")

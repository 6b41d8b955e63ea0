"""Narrative sentences claim a change only when the 95% confidence intervals do not overlap."""

import pandas as pd

from pipelines.report.board_pack import describe_change, describe_gap


def _row(period, value, low, high):
    return pd.Series({"period": period, "value": value, "lower_ci95": low, "upper_ci95": high})


def test_a_fall_is_claimed_only_when_intervals_separate():
    assert describe_change(_row("2019/20", 50, 47, 53), _row("2021/22", 35, 32, 38), "%") \
        == "fell from 50.0% in 2019/20 to 35.0% in 2021/22"
    overlapping = describe_change(_row("2019/20", 50, 44, 56), _row("2021/22", 46, 40, 52), "%")
    assert "within the 95% confidence intervals" in overlapping and "fell" not in overlapping


def test_gap_between_fifths():
    assert describe_gap(_row("q1", 30, 28, 32), _row("q5", 15, 13, 17), "%").startswith("higher")
    assert "no clear difference" in describe_gap(_row("q1", 30, 20, 40), _row("q5", 28, 20, 36), "%")
    assert "suppressed" in describe_gap(_row("q1", None, None, None), _row("q5", 28, 20, 36), "%")

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
    suppressed = describe_change(_row("2019/20", None, None, None), _row("2021/22", 46, 40, 52), "%")
    # read after "Since the previous period it" and "across the ICS it"
    assert suppressed.startswith("cannot be compared: ") and "rose" not in suppressed


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


def test_the_board_pack_gives_gap_ratio_sii_and_rii_one_direction_for_one_gradient():
    """Higher in the most deprived fifth: gap and SII read +, ratio and RII above 1, in the
    inequality table as in the summary (most deprived compared with least deprived)."""
    from pipelines.report.sections import inequality_table
    from pipelines.statistics.inequality import inequality_summary

    cells = pd.DataFrame([
        {"indicator_id": "X", "period": "2020/21", "area_type": "ics", "area_code": "E1",
         "breakdown": "imd_quintile" if q else "all", "breakdown_value": str(q) if q else "All",
         "numerator": v, "denominator": 100 if q else 500, "value": v if q else None,
         "lower_ci95": v - 5 if q else None, "upper_ci95": v + 5 if q else None,
         "value_type": "proportion", "multiplier": 100.0}
        for q, v in [(1, 40), (2, 30), (3, 25), (4, 20), (5, 10), (0, 125)]])
    summary = inequality_summary(cells, repetitions=2_000).assign(suppression=None)
    row = summary.iloc[0]
    assert row["gap_q1_q5"] > 0 and row["sii"] > 0 and row["ratio_q1_q5"] > 1 and row["rii"] > 1
    html = inequality_table(summary, "%")
    assert "+30.0 percentage points" in html  # the gap
    assert f"+{row['sii']:.1f} percentage points" in html
    assert f"{row['rii']:.2f}" in html and "4.00" in html  # RII and ratio, both above 1
    assert "-" not in html.split("<tbody>")[1].split("Core20")[0].replace("−", "")


def test_a_withheld_sii_says_why():
    from pipelines.report.sections import withheld_reason

    assert "too small a share" in withheld_reason({"sii_withheld": "quintile_small",
                                                   "suppression": None})
    assert withheld_reason({"sii_withheld": None, "suppression": "quintile_suppressed"}) \
        == "small numbers in a quintile"
    assert withheld_reason({"sii_withheld": None, "suppression": None}) == ""


def test_a_provisional_or_incomplete_period_says_so_in_values_and_inequality_alike():
    from pipelines.report.published import bare_period, label_periods

    values = pd.DataFrame({"indicator_id": ["A", "A", "B", "C", "C"],  # C: two rows (areas)
                           "period": ["2021-2023", "2022-2024", "2022-2024", "2019/20", "2019/20"],
                           "is_provisional": [False, True, False, True, True],
                           "is_lookback_incomplete": [False, False, False, True, True]})
    inequality = pd.DataFrame({"indicator_id": ["A", "B", "C"],
                               "period": ["2022-2024", "2022-2024", "2019/20"]})
    labelled, summary = label_periods(values, inequality)
    assert labelled["period"].tolist() == ["2021-2023", "2022-2024 (provisional)", "2022-2024",
                                           *["2019/20 (provisional) (incomplete)"] * 2]
    assert summary["period"].tolist() == ["2022-2024 (provisional)", "2022-2024",
                                          "2019/20 (provisional) (incomplete)"]
    assert [bare_period(p) for p in labelled["period"]] == values["period"].tolist()

"""SPC against NHSRplotthedots 0.2.2 (commit 050b07d): its own tests (tests/testthat), ported
without their mocks, and a corpus of its outputs on random series (tests/fixtures/
spc_reference_corpus.csv, made by scripts/spc_reference_corpus.R with the real R package). Every
expected value here comes from the reference: its test files, its snapshots, or R runs of it."""

import csv
from pathlib import Path

import pytest

from pipelines.statistics.spc import (
    MIN_POINTS_FOR_ICONS,
    assurance_icon,
    assurance_type,
    part_of_seven_trend,
    part_of_two_in_three,
    seven_point_one_side_mean,
    seven_point_trend,
    spc,
    two_in_three,
    variation_icon,
)

CORPUS = Path(__file__).parent.parent / "fixtures" / "spc_reference_corpus.csv"

# R: set.seed(123); rnorm(24), then rnorm(12, 5), then rnorm(12, -5) (the tests' data)
RNORM_123 = [
    -0.5604756465522126, -0.23017748948327996, 1.558708314149124, 0.070508391424576003,
    0.12928773516094624, 1.715064986883281, 0.4609162059892023, -1.265061234606534,
    -0.68685285189352607, -0.44566197009995806, 1.2240817974394615, 0.35981382705736381,
    0.40077145059405217, 0.11068271594511971, -0.55584113475407493, 1.7869131368030782,
    0.49785047822923939, -1.9666171566296382, 0.70135590156368555, -0.47279140772793404,
    -1.0678237059868452, -0.21797491465829513, -1.0260044483072397, -0.72889122929114025]
THEN_MEAN_5 = [
    4.3749607321507433, 3.3133066892575869, 5.837787044494525, 5.153373117836515,
    3.8618630629880526, 6.2538149210699263, 5.426464221476814, 4.7049285170077288,
    5.8951256610450224, 5.8781334875330424, 5.8215810816374871, 5.6886402541000907]
THEN_MEAN_MINUS_5 = [
    -4.4460823464624113, -5.0619117105767213, -5.3059626637399164, -5.3804710010123831,
    -5.6947069789205127, -5.2079172780195986, -6.2653963515682642, -2.8310440346614874,
    -3.7920380016950093, -6.1231085832033489, -5.4028848352990764, -5.466655353623219]


# --- test-ptd_calculate_point_type.R: the rule helpers -------------------------------------------

def test_seven_point_one_side_mean():
    assert seven_point_one_side_mean([]) == []
    assert seven_point_one_side_mean([1] * 6) == [0] * 6
    assert seven_point_one_side_mean([1] * 6 + [-1]) == [0] * 7
    assert seven_point_one_side_mean([1] * 8 + [-1]) == [0] * 6 + [1, 1, 0]
    assert seven_point_one_side_mean([-1] * 8 + [1]) == [0] * 6 + [1, 1, 0]


def test_part_of_seven_trend():
    assert part_of_seven_trend([]) == []
    assert part_of_seven_trend([0] * 6) == [0] * 6
    assert part_of_seven_trend([0] * 6 + [1, 0]) == [1] * 7 + [0]
    assert part_of_seven_trend([0] * 7 + [1, 0]) == [0] + [1] * 7 + [0]
    assert part_of_seven_trend([0] * 6 + [-1, 0]) == [1] * 7 + [0]
    assert part_of_seven_trend([0] * 7 + [-1, 0]) == [0] + [1] * 7 + [0]


def test_seven_point_trend():
    assert seven_point_trend([]) == []
    assert seven_point_trend(list(range(1, 7))) == [0] * 6
    assert seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [0] * 7  # a tie breaks the trend
    assert seven_point_trend(list(range(1, 8))) == [0] * 6 + [1]
    assert seven_point_trend([2, *range(1, 8), 3]) == [0] * 7 + [1, 0]
    assert seven_point_trend(list(range(7, 0, -1))) == [0] * 6 + [-1]
    assert seven_point_trend([2, *range(7, 0, -1), 3]) == [0] * 7 + [-1, 0]


def test_two_in_three():
    assert two_in_three([], []) == []
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert two_in_three(close, [1, 1, 1]) == [1, 1, 1]
    assert two_in_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
    assert two_in_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 1, 1, 1, 1, 0, 0]


def test_two_in_three_needs_all_three_points_on_one_side_of_the_mean():
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert two_in_three(close, [1, -1, 1]) == [0, 0, 0]
    assert two_in_three([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1]) == [0] * 7
    assert two_in_three([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1]) == [0] * 7


def test_part_of_two_in_three_marks_only_the_points_close_to_a_limit():
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 1, 0, 0, 0]):
        assert part_of_two_in_three(two_in_three(close, [1] * len(close)), close) == close
    close = [1, 0, 0, 1]
    assert part_of_two_in_three(two_in_three(close, [1] * 4), close) == [0, 0, 0, 0]
    close = [1, 0, 0, 1, 1]
    assert part_of_two_in_three(two_in_three(close, [1] * 5), close) == [0, 0, 0, 1, 1]


# --- ptd_special_cause_type's precedence, on series run through the R package --------------------

def test_a_limit_beats_a_trend_and_where_two_trends_meet_the_later_one_wins():
    chart = spc([5, 5, 5, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 5, 5])
    assert chart.special_cause_type == (
        ("Common Cause",) * 3 + ("Below LCL",) + ("7 Point Trend (Increasing)",) * 5
        + ("Above UCL",) + ("7 Point Trend (Decreasing)",) * 5 + ("Below LCL",)
        + ("Common Cause",) * 2)
    assert (chart.mean[0], chart.lpl[0], chart.upl[0]) == pytest.approx(
        (4.1111111111111107, 1.9831111111111106, 6.2391111111111108), abs=1e-12)


def test_a_point_is_concern_or_improvement_by_its_own_rule_never_both():
    chart = spc([10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 2, 4, 6, 8, 10, 12, 14])
    assert chart.point_type == (("common_cause",) * 10 + ("special_cause_concern",) * 2
                                + ("special_cause_improvement",) * 5)
    assert chart.special_cause_type[10:13] == ("Below LCL", "Below LCL", "7 Point Trend (Increasing)")


def test_two_in_three_beats_seven_on_one_side():
    chart = spc([10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 13, 15.6, 13, 15.6, 13, 13, 13],
                "decrease")
    assert chart.special_cause_type[12:] == (
        "7 Points Above CL", "2 in 3 Above CL", "7 Points Above CL", "2 in 3 Above CL",
        "7 Points Above CL", "7 Points Above CL", "7 Points Above CL")
    assert chart.point_type == ("special_cause_improvement",) * 12 + ("special_cause_concern",) * 7


def test_two_close_points_either_side_of_a_point_below_the_mean_are_no_signal():
    chart = spc([10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 15.4, 12, 15.4, 10, 12])
    assert set(chart.point_type) == {"common_cause"}


def test_neutral_direction_reports_high_and_low():
    chart = spc([10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 25], "neutral", target=5)
    assert chart.point_type == ("special_cause_neutral_low",) * 14 + ("special_cause_neutral_high",)
    assert chart.variation_icon == "neutral_high"
    assert chart.assurance_type is None


# --- test-ptd_spc_standard.R (values from its snapshot, 7 significant figures) -------------------

def test_limits_with_and_without_outlier_screening():
    y = RNORM_123[:20]
    plain = spc(y)
    assert plain.mean[0] == pytest.approx(0.1416238, rel=1e-6)
    assert (plain.lpl[0], plain.upl[0]) == pytest.approx((-3.01138, 3.294627), rel=1e-6)
    y[14] = 10
    screened, unscreened = spc(y), spc(y, screen_outliers=False)
    assert screened.mean[0] == unscreened.mean[0] == pytest.approx(0.6694159, rel=1e-6)
    assert (screened.lpl[0], screened.upl[0]) == pytest.approx((-2.383666, 3.722497), rel=1e-6)
    assert (unscreened.lpl[0], unscreened.upl[0]) == pytest.approx((-4.596625, 5.935457), rel=1e-6)


def test_rebase_starts_a_new_group():
    assert spc(RNORM_123[:20]).rebase_group == (0,) * 20
    assert spc(RNORM_123[:20], rebase=[10]).rebase_group == (0,) * 10 + (1,) * 10


def test_fix_after_n_points_changes_the_limits():
    free, fixed = spc(RNORM_123[:20]), spc(RNORM_123[:20], fix_after_n_points=12)
    assert fixed.lpl[0] != free.lpl[0] and fixed.upl[0] != free.upl[0]
    with pytest.raises(ValueError, match="at least 12"):
        spc(RNORM_123[:20], fix_after_n_points=11)


def test_two_close_points_on_opposite_sides_of_the_mean_are_common_cause():
    y = [1, -1] * 8
    y[14], y[15] = 5.5, -5.5
    assert spc(y).point_type[-2:] == ("common_cause", "common_cause")


# --- test-ptd_spc.R summary snapshot: facets of 10 points (3 significant figures) ----------------

def test_each_half_alone():
    first, second = spc(RNORM_123[:10]), spc(RNORM_123[10:20])
    assert (first.mean[0], first.lpl[0], first.upl[0]) == pytest.approx((0.0746, -2.60, 2.75), abs=5e-3)
    assert (second.mean[0], second.lpl[0], second.upl[0]) == pytest.approx((0.209, -3.28, 3.70), abs=5e-3)
    assert set(first.point_type) == set(second.point_type) == {"common_cause"}


# --- test-ptd_calculate_assurance_type.R ----------------------------------------------------------

@pytest.mark.parametrize(("direction", "expected"), [
    ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
    ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
    ("neutral", [None, None, None])])
def test_assurance_type(direction, expected):
    limits = [(1, 3), (5, 7), (1, 5)]
    assert [assurance_type(4, lpl, upl, direction) for lpl, upl in limits] == expected
    assert assurance_type(None, 1, 3, direction) is None


# --- test-ptd_add_short_group_warnings.R (the reference's default threshold, 13) -----------------

def test_short_group_warning():
    assert spc(RNORM_123[:11]).short_group_warning == (True,) * 11
    assert spc(RNORM_123[:13]).short_group_warning == (False,) * 13
    assert not spc(RNORM_123[:13]).short_series_warning
    chart = spc(RNORM_123 + THEN_MEAN_5, rebase=[5, 10, 22])  # groups of 5, 5, 12 and 14 points
    assert chart.short_group_warning == (True,) * 22 + (False,) * 14
    assert chart.short_series_warning


# --- test-geom_ptd_icon.R: ptd_get_icons ----------------------------------------------------------

def test_icons():
    d = list(RNORM_123)
    assert spc(d).variation_icon == "common_cause"
    assert spc(d).assurance_icon is None
    assert (spc(d, target=0.5).variation_icon, spc(d, target=0.5).assurance_icon) == (
        "common_cause", "inconsistent")
    for half in (d[:12], d[12:]):  # the facets: 12 points each
        chart = spc(half, target=0.5)
        assert variation_icon(chart.variation_type, "increase") == "common_cause"
        assert assurance_icon(chart.assurance_type) == "inconsistent"
    d[12:] = THEN_MEAN_5
    assert icons(spc(d, target=-3)) == ("improvement_high", "pass")
    assert icons(spc(d, target=-3, improvement_direction="decrease")) == ("concern_high", "fail")
    d[12:] = THEN_MEAN_MINUS_5
    assert icons(spc(d, target=3)) == ("concern_low", "fail")
    assert icons(spc(d, target=3, improvement_direction="decrease")) == ("improvement_low", "pass")
    assert icons(spc(d, target=3, improvement_direction="neutral")) == ("neutral_low", None)


def icons(chart):
    return chart.variation_icon, chart.assurance_icon


# --- project policy: no icons on a short series ---------------------------------------------------

def test_no_icon_below_the_minimum_length():
    signal = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 25]
    assert len(signal) == MIN_POINTS_FOR_ICONS
    assert icons(spc(signal, target=0)) == ("improvement_high", "pass")
    short = spc(signal[1:], target=0)
    assert short.point_type[-1] == "special_cause_improvement"
    assert icons(short) == (None, None)
    # the latest period after a rebase counts, not the whole series
    assert icons(spc(signal * 2, target=0, rebase=[20])) == (None, None)


def test_bad_input():
    for bad in ([], [1.0, float("nan")]):
        with pytest.raises(ValueError):
            spc(bad)
    with pytest.raises(ValueError):
        spc([1, 2, 3], "up")
    with pytest.raises(ValueError):
        spc([1, 2, 3], rebase=[3])


# --- agreement with the R package on a corpus of random series ------------------------------------

def _corpus():
    with CORPUS.open(newline="") as f:
        return list(csv.DictReader(f))


def _numbers(text, kind=float):
    return [kind(x) for x in text.split(";")] if text else []


def test_agrees_with_nhsrplotthedots_point_for_point():
    rows = _corpus()
    assert len(rows) >= 300
    for row in rows:
        chart = spc(_numbers(row["values"]), row["improvement_direction"],
                    target=float(row["target"]) if row["target"] else None,
                    rebase=_numbers(row["rebase"], int),
                    fix_after_n_points=int(row["fix_after_n_points"]) if row["fix_after_n_points"] else None,
                    screen_outliers=row["screen_outliers"] == "TRUE")
        series = f"series {row['series']}"
        labels = [label or "Common Cause" for label in row["special_cause_type"].split(";")]
        assert list(chart.special_cause_type) == labels, series  # the rule, by precedence
        assert list(chart.point_type) == row["point_type"].split(";"), series
        groups = _numbers(row["rebase_group"], int)
        assert list(chart.rebase_group) == groups, series
        for name in ("mean", "lpl", "upl"):
            expected = dict(zip(sorted(set(groups)), _numbers(row[name]), strict=True))
            assert getattr(chart, name) == pytest.approx([expected[g] for g in groups],
                                                         abs=1e-9, nan_ok=True), (series, name)
        assert "".join(str(int(w)) for w in chart.short_group_warning) == row["short_group_warning"]
        assert (chart.assurance_type or "") == row["assurance_type"], series
        # the reference always shows icons; here they are withheld on a short latest group
        assert variation_icon(chart.variation_type, chart.improvement_direction) == row["variation_icon"]
        assert (assurance_icon(chart.assurance_type) or "") == row["assurance_icon"], series

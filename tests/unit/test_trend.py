"""Fingertips' recent-trend marker and the gap (SII) trend (pipelines/statistics/trend.py).

The expected statistics come from Fingertips' own unit tests (fingertips-open
PholioVisualisationWS/AnalysisTest/TrendMarkerCalculatorTest.cs: 46.77 by the weighted
regression, 47.9 by the test for proportions, on the same five points) and are recomputed here
another way: numpy's weighted polyfit and the score form of Armitage's test.
"""

import math

import numpy as np
import pytest
from scipy import stats

from pipelines.statistics.trend import (
    CANNOT_BE_CALCULATED,
    CHI_SQUARED_CRITICAL,
    GAP_CANNOT_BE_CALCULATED,
    GAP_NO_CHANGE,
    NARROWING,
    NO_SIGNIFICANT_CHANGE,
    WIDENING,
    Point,
    chi_squared_for_trend,
    gap_trend,
    recent_trend,
    trend_test,
)

# Fingertips' GetTrendData_Set1 / GetTrendDataForProportion_Set1: (year, value, lower, upper,
# count, denominator), a rise from 24.7 to 30.6
RISING = [(2014, 24.67, 23.16, 26.25, 994, 40299), (2015, 24.6, 23.15, 26.19, 1023, 41527),
          (2016, 28, 26.44, 29.64, 1199, 42811), (2017, 30.2, 28.63, 31.9, 1332, 44064),
          (2018, 30.6, 28.98, 32.25, 1367, 44701)]
# GetTrendData_Set2: no trend
FLAT = [(2014, 20.5506, 18.1803, 23.1427, 209, 1017), (2015, 19.5952, 17.3444, 22.0602, 213, 1087),
        (2016, 19.0349, 16.8421, 21.4394, 213, 1119), (2017, 21.3966, 19.0918, 23.8975, 239, 1117),
        (2018, 18.4372, 16.2925, 20.7941, 210, 1139)]


def points(rows):
    return [Point(*row) for row in rows]


def test_the_significance_level_is_fingertips_99_8_percent():
    assert CHI_SQUARED_CRITICAL == pytest.approx(9.54953570608324, abs=1e-12)  # CHIINV(0.002, 1)


def test_weighted_regression_statistic_is_fingertips_and_numpys():
    result = trend_test(points(RISING), "crude_rate")
    assert result.method == "weighted regression"
    assert round(result.chi_squared, 2) == 46.77  # Fingertips' TestIsSignificantReturnsTrue
    # the same fit by numpy: weights 1/SE (polyfit squares them), variances known (unscaled)
    years, values, lower, upper = (np.array(c, float) for c in list(zip(*RISING, strict=True))[:4])
    (slope, _), cov = np.polyfit(years, values, 1, w=3.92 / (upper - lower), cov="unscaled")
    assert result.slope == pytest.approx(slope, rel=1e-9)
    assert result.chi_squared == pytest.approx(slope**2 / cov[0, 0], rel=1e-9)
    assert result.significant


def test_proportions_statistic_is_fingertips_and_the_score_form():
    result = trend_test(points(RISING), "proportion")
    assert result.method == "chi-squared test for trend in proportions"
    assert round(result.chi_squared, 2) == 47.9  # Fingertips' TestIsSignificantForProportions...
    year, count, n = (np.array([row[i] for row in RISING], float) for i in (0, 4, 5))
    p = count.sum() / n.sum()  # score form: (sum t (r - n p))^2 / (p q (sum n t^2 - (sum n t)^2 / N))
    score = np.sum(year * (count - n * p))
    variance = p * (1 - p) * (np.sum(n * year**2) - np.sum(n * year) ** 2 / n.sum())
    assert result.chi_squared == pytest.approx(score**2 / variance, rel=1e-9)
    assert result.significant


def test_chi_squared_for_trend_agrees_with_r():
    # R: prop.trend.test(c(83, 90, 129, 70), c(86, 93, 136, 82)) gives X-squared = 8.2249
    statistic = chi_squared_for_trend([83, 90, 129, 70], [86, 93, 136, 82], [1, 2, 3, 4])
    assert statistic == pytest.approx(8.2249, abs=5e-5)
    # scores are positions: any evenly spaced years give the same statistic
    assert chi_squared_for_trend([83, 90, 129, 70], [86, 93, 136, 82],
                                 [2019, 2020, 2021, 2022]) == pytest.approx(statistic, rel=1e-9)


@pytest.mark.parametrize("value_type", ["crude_rate", "proportion"])
def test_no_trend_is_no_significant_change(value_type):
    trend = recent_trend(points(FLAT), "lower_is_better", value_type)
    assert trend.marker == NO_SIGNIFICANT_CHANGE
    assert trend.test.chi_squared < 1  # Fingertips' TestIsSignificantReturnsFalse


@pytest.mark.parametrize(("polarity", "rows", "marker"), [
    ("lower_is_better", RISING, "Increasing and getting worse"),
    ("higher_is_better", RISING, "Increasing and getting better"),
    ("not_applicable", RISING, "Increasing"),
    ("lower_is_better", RISING[::-1], "Decreasing and getting better"),
    ("higher_is_better", RISING[::-1], "Decreasing and getting worse"),
    ("not_applicable", RISING[::-1], "Decreasing"),
])
def test_the_marker_is_worded_with_the_polarity(polarity, rows, marker):
    # reversing the values (not the years) turns the rise into a fall
    rows = [(year, *rest) for year, (_, *rest) in zip([r[0] for r in RISING], rows, strict=True)]
    for value_type in ("proportion", "dsr"):
        assert recent_trend(points(rows), polarity, value_type).marker == marker


def test_only_the_latest_five_points_count():
    early_crash = [(2012, 5.0, 4.9, 5.1, 50, 1000), (2013, 60.0, 59.0, 61.0, 600, 1000)]
    trend = recent_trend(points(early_crash + FLAT), "lower_is_better", "crude_rate")
    assert trend.marker == NO_SIGNIFICANT_CHANGE
    assert [p.year for p in trend.test.points] == [2014, 2015, 2016, 2017, 2018]


def test_one_point_driving_the_slope_is_not_a_trend():
    # steady fall, then a jump: a large statistic, but without the last point the slope is negative
    rows = [(2014 + i, v, v - 0.2, v + 0.2, None, None) for i, v in enumerate([12, 11.5, 11, 10.5, 30])]
    trend = recent_trend(points(rows), "lower_is_better", "crude_rate")
    assert trend.test.chi_squared > CHI_SQUARED_CRITICAL
    assert trend.marker == NO_SIGNIFICANT_CHANGE


@pytest.mark.parametrize(("rows", "value_type", "why"), [
    (RISING[1:], "dsr", "fewer than 5"),
    ([*RISING[:4], (2018, None, None, None, None, None)], "dsr", "missing or withheld"),
    ([*RISING[:4], (2018, math.nan, 1, 2, None, None)], "dsr", "missing or withheld"),
    ([*RISING[:4], (2019, *RISING[4][1:])], "dsr", "not consecutive"),
    ([(y, v, None, None, None, None) for y, v, *_ in RISING], "dsr", "no confidence limits"),
    ([(y, v, v, v, None, None) for y, v, *_ in RISING], "dsr", "no confidence limits"),
    # Fingertips' TestIsSignificantForProportionsCannotBeCalculated: 5 of 5 in 2012
    ([(2012, 100, 0, 0, 5, 5), (2013, 60, 0, 0, 3, 5), (2014, 20, 0, 0, 1, 5),
      (2015, 25, 0, 0, 1, 4), (2016, 50, 0, 0, 2, 4)], "proportion", "equals its denominator"),
    ([*RISING[:4], (2018, 0.0, 0.0, 0.01, 0, 44701)], "proportion", "count is 0"),
])
def test_cannot_be_calculated(rows, value_type, why):
    trend = recent_trend(points(rows), "lower_is_better", value_type)
    assert trend.marker == CANNOT_BE_CALCULATED
    assert why in trend.test.reason
    assert trend.test.chi_squared is None


def test_rolling_pooled_periods_cannot_be_tested_but_independent_ones_can():
    rolling = [(2014 + i, *rest) for i, (_, *rest) in enumerate(RISING)]  # 2014-16, 2015-17, ...
    assert "non-overlapping" in trend_test(points(rolling), "dsr", period_years=3).reason
    independent = [(2005 + 3 * i, *rest) for i, (_, *rest) in enumerate(RISING)]
    assert trend_test(points(independent), "dsr", period_years=3).significant


def test_a_proportion_without_counts_is_tested_by_the_weighted_regression():
    rows = [(*row[:4], None, None) for row in RISING]
    result = trend_test(points(rows), "proportion")
    assert result.method == "weighted regression"
    assert round(result.chi_squared, 2) == 46.77


def test_points_may_come_in_any_order():
    shuffled = [RISING[i] for i in (3, 0, 4, 1, 2)]
    assert trend_test(points(shuffled), "dsr").chi_squared == pytest.approx(
        trend_test(points(RISING), "dsr").chi_squared, rel=1e-12)


# --- the gap (SII) trend ---

def sii_series(values, half_width=1.96):
    """SII values with 95% limits of the given half-width (SE = half_width / 1.96)."""
    return [Point(2017 + i, v, v - half_width, v + half_width) for i, v in enumerate(values)]


@pytest.mark.parametrize(("values", "direction"), [
    ([10, 12, 14, 16, 18], WIDENING),
    ([-10, -12, -14, -16, -18], WIDENING),   # the gap favours the least deprived: still widening
    ([18, 16, 14, 12, 10], NARROWING),
    ([-18, -16, -14, -12, -10], NARROWING),
])
def test_a_planted_trend_in_the_gap_is_found(values, direction):
    result = gap_trend(sii_series(values))
    assert result.direction == direction
    assert result.test.significant
    assert abs(result.fitted_latest) == pytest.approx(abs(values[-1]))


def test_planted_widening_is_found_and_flat_noise_is_not():
    """200 series each: a gap widening by 2 SE a year is always found; a flat gap with noise
    of 1 SE is called widening or narrowing about as rarely as the 99.8% level promises."""
    rng = np.random.default_rng(18)
    widening = [gap_trend(sii_series(10 + 2 * np.arange(5) + rng.normal(0, 1, 5), 1.96)).direction
                for _ in range(200)]
    flat = [gap_trend(sii_series(10 + rng.normal(0, 1, 5), 1.96)).direction for _ in range(200)]
    assert widening.count(WIDENING) == 200
    assert flat.count(GAP_NO_CHANGE) >= 198
    # the statistic under no trend is chi-squared with 1 df: its mean is near 1
    chi = [gap_trend(sii_series(10 + rng.normal(0, 1, 5))).test.chi_squared for _ in range(400)]
    assert np.mean(chi) == pytest.approx(stats.chi2.mean(1), abs=0.25)


def test_a_gap_with_too_few_points_or_a_withheld_one_is_not_tested():
    assert gap_trend(sii_series([10, 12, 14, 16])).direction == GAP_CANNOT_BE_CALCULATED
    withheld = sii_series([10, 12, 14, 16, 18])[:-1] + [Point(2021, None)]
    assert gap_trend(withheld).direction == GAP_CANNOT_BE_CALCULATED

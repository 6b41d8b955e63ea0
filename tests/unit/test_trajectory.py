"""Projection to the strategy's end and ambition status (pipelines/statistics/trajectory.py)."""

import numpy as np
import pytest
from scipy import stats

from pipelines.statistics.inequality import Z95
from pipelines.statistics.trajectory import (
    MIN_POINTS,
    NOT_PROJECTED,
    OFF_TRACK,
    ON_TRACK,
    UNCERTAIN,
    Projection,
    ambition_status,
    project,
    target_from_baseline,
)
from pipelines.statistics.trend import Point

YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
FALLING = [50.0, 48.0, 47.5, 45.0, 44.0, 42.8]


def series(values, years=YEARS, half_width=None):
    return [Point(y, v, None if half_width is None else v - half_width,
                  None if half_width is None else v + half_width) for y, v in zip(years, values, strict=True)]


def test_projection_and_prediction_interval_agree_with_numpys_fit():
    result = project(series(FALLING), 2026)
    # the same by another route: numpy's fit with its (residual-scaled) covariance,
    # variance of a new observation = x0' C x0 + s^2
    (slope, intercept), cov = np.polyfit(YEARS, FALLING, 1, cov=True)
    residuals = np.array(FALLING) - (intercept + slope * np.array(YEARS))
    s2 = residuals @ residuals / (len(YEARS) - 2)
    x0 = np.array([2026.0, 1.0])
    half = stats.t.ppf(0.975, len(YEARS) - 2) * np.sqrt(x0 @ cov @ x0 + s2)
    assert result.value == pytest.approx(intercept + slope * 2026, rel=1e-9)
    assert (result.lower, result.upper) == pytest.approx((result.value - half, result.value + half),
                                                          rel=1e-9)
    assert result.slope == pytest.approx(slope, rel=1e-9)
    assert result.points_used == 6 and result.projected
    assert 39.5 < result.value < 40.0  # the line falls 1.44 a year: 42.6 in 2024


def test_points_on_a_line_still_carry_their_sampling_error():
    # exactly linear: no residual scatter, so the interval comes from the points' own limits
    values = [10.0, 11.0, 12.0, 13.0]
    result = project(series(values, YEARS[:4], half_width=Z95), 2026)  # SE 1 each
    leverage = 1 + 1 / 4 + (2026 - 2020.5) ** 2 / 5.0
    half = stats.t.ppf(0.975, 2) * np.sqrt(1.0 * leverage)
    assert result.value == pytest.approx(17.0)
    assert (result.lower, result.upper) == pytest.approx((17.0 - half, 17.0 + half), rel=1e-9)
    # without limits, nothing widens it
    bare = project(series(values, YEARS[:4]), 2026)
    assert bare.upper - bare.lower == pytest.approx(0.0, abs=1e-9)


def test_fewer_than_four_valued_points_are_refused_with_the_reason():
    points = series(FALLING[:3], YEARS[:3]) + [Point(2022, None)]
    result = project(points, 2026)
    assert not result.projected and result.value is None
    assert result.reason == f"fewer than {MIN_POINTS} valued periods to fit a line through"
    assert ambition_status(result, 40.0, "lower_is_better") == NOT_PROJECTED


def test_rolling_pooled_periods_are_refused():
    rolling = project(series(FALLING), 2026, period_years=3)  # 2019-21, 2020-22, ...
    assert rolling.reason == "the periods overlap (each is 3 years long)"
    independent = project(series(FALLING[:4], [2010, 2013, 2016, 2019]), 2025, period_years=3)
    assert independent.projected


def test_bounds_clip_the_interval():
    result = project(series([8.0, 5.0, 4.0, 2.5, 1.0, 0.2]), 2026, bounds=(0.0, 100.0))
    assert result.lower == 0.0 and result.value == 0.0  # the line goes below zero by 2026


def test_target_from_a_relative_reduction():
    # the end-of-life ED ambition: 5,304 people in 2019/20, reduce by a fifth
    assert target_from_baseline(5304, -0.2) == pytest.approx(4243.2)


@pytest.mark.parametrize(("lower", "upper", "polarity", "expected"), [
    (30.0, 35.0, "lower_is_better", ON_TRACK),
    (30.0, 40.0, "lower_is_better", ON_TRACK),     # at the target meets it
    (38.0, 45.0, "lower_is_better", UNCERTAIN),
    (41.0, 45.0, "lower_is_better", OFF_TRACK),
    (76.0, 80.0, "higher_is_better", ON_TRACK),
    (72.0, 80.0, "higher_is_better", UNCERTAIN),
    (70.0, 74.9, "higher_is_better", OFF_TRACK),
])
def test_ambition_status_by_where_the_interval_lies(lower, upper, polarity, expected):
    target = 40.0 if polarity == "lower_is_better" else 75.0  # flu 65+: 75%
    projection = Projection(2026, (lower + upper) / 2, lower, upper, -1.0, 6)
    assert ambition_status(projection, target, polarity) == expected


def test_a_steady_fall_against_three_ambitions():
    result = project(series(FALLING), 2026)  # 39.7, interval 37.9 to 41.6
    assert (result.lower, result.upper) == pytest.approx((37.86, 41.59), abs=0.01)
    status = {cut: ambition_status(result, target_from_baseline(50.0, -cut), "lower_is_better")
              for cut in (0.15, 0.2, 0.3)}
    assert status == {0.15: ON_TRACK, 0.2: UNCERTAIN, 0.3: OFF_TRACK}  # 42.5, 40 and 35


def test_an_ambition_needs_a_polarity():
    with pytest.raises(ValueError, match="polarity"):
        ambition_status(project(series(FALLING), 2026), 40.0, "not_applicable")

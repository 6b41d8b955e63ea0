"""Recent trend of an annual indicator, as Fingertips marks it, and the trend of an inequality gap
(the slope index of inequality) by the same test.

What `recent_trend` mirrors: Fingertips' trend marker, the "Recent trend" column (OHID technical
guidance "Fingertips trend markers"; its code, fingertips-open
PholioVisualisationWS/Analysis/TrendMarkers/TrendMarkerCalculator.cs and TrendRequest.cs, kept in
FingertipsNext's trend-analysis app):
- the RECENT_POINTS (5) most recent points; fewer, or one of them without a value (suppressed),
  and the marker is "Cannot be calculated";
- proportions with a numerator and denominator: the chi-squared test for linear trend in
  proportions (Armitage; Cochran-Armitage without continuity correction, R's prop.trend.test);
- every other value type (crude rates, DSRs, ratios, the SII): least squares of the value on time,
  each point weighted by 1 / SE^2 with SE = the width of its 95% limits / 3.92 (2 x 1.96, as
  Fingertips rounds it: its test's statistic, 46.77, needs the rounding); the
  statistic is (slope / SE of the slope)^2;
- significant when the statistic exceeds the chi-squared (1 degree of freedom) quantile at
  1 - SIGNIFICANCE_LEVEL (99.8%: 9.5495, Fingertips' CHIINV(0.002, 1)) **and** the slope keeps its
  sign when each of the 5 points is left out in turn (Fingertips' outlier check: the unweighted
  slope of the logits for proportions, the weighted slope otherwise);
- the marker from the slope's sign, worded with the polarity (TrendMarkerLabelProvider):
  "Increasing and getting better" ... "Decreasing and getting worse"; "Increasing" / "Decreasing"
  for an indicator with no polarity; "No significant change".

Departures, each deliberate:
- Fingertips tests proportions by the chi-squared test only where the indicator is compared with
  England by "SPC for proportions" (otherwise, and in FingertipsNext, by the weighted regression);
  here every proportion with counts is, as the guidance describes.
- Fingertips' site tests proportions and crude rates only; the guidance (and FingertipsNext) also
  DSRs and the other types with limits: so do we.
- Fingertips refuses a proportion whose count equals its denominator (no logit); we also refuse a
  count of 0, for the same reason.
- Time is the period's start year, not the position 1..5: the same, since the 5 periods must be
  consecutive and not overlap (the guidance's criteria, checked here with `period_years`: rolling
  3-year pooled periods, one year apart, cannot be tested).

`gap_trend` applies the weighted-regression branch, with its outlier check and significance level,
to a series of SII values and their 95% limits (Fingertips lists the SII among the types it
tests), and says whether the gap is "widening" or "narrowing": whether the fitted line's distance
from zero (no gap) is larger at the latest period than at the first of the 5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from pipelines.statistics.spc import direction_for

# Fingertips: "the most recent five indicator values"
RECENT_POINTS = 5
# Fingertips' trend markers are significant at 99.8% (two-sided 0.2%): ChiSquareConfidence
SIGNIFICANCE_LEVEL = 0.002
CHI_SQUARED_CRITICAL = float(stats.chi2.ppf(1 - SIGNIFICANCE_LEVEL, df=1))
# Fingertips' standard error from 95% limits: their width / 3.92
LIMITS_WIDTH_PER_SE = 2 * 1.96

# Fingertips' marker vocabulary (TrendMarkerLabelProvider)
CANNOT_BE_CALCULATED = "Cannot be calculated"
NO_SIGNIFICANT_CHANGE = "No significant change"
_MARKERS = {  # (improvement direction, sign of the slope) -> marker
    ("increase", 1): "Increasing and getting better",
    ("increase", -1): "Decreasing and getting worse",
    ("decrease", 1): "Increasing and getting worse",
    ("decrease", -1): "Decreasing and getting better",
    ("neutral", 1): "Increasing",
    ("neutral", -1): "Decreasing",
}
# The gap's vocabulary
WIDENING, NARROWING, GAP_NO_CHANGE = "widening", "narrowing", "no significant change"
GAP_CANNOT_BE_CALCULATED = "cannot be calculated"


@dataclass(frozen=True)
class Point:
    """One period of a series. `year`: the period's first calendar year (2019 for 2019/20).
    None marks what is missing or withheld."""

    year: int
    value: float | None
    lower_95: float | None = None
    upper_95: float | None = None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class TrendTest:
    """The test on the last RECENT_POINTS points: `slope` per year (on the value's scale for the
    weighted regression, the logit's for proportions), `chi_squared` its statistic; `reason` says
    why it could not be calculated (then the other fields are None)."""

    significant: bool
    slope: float | None
    chi_squared: float | None
    method: str | None  # "chi-squared test for trend in proportions" or "weighted regression"
    points: tuple[Point, ...]
    reason: str | None = None

    @property
    def calculated(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class RecentTrend:
    marker: str
    test: TrendTest


@dataclass(frozen=True)
class GapTrend:
    direction: str  # WIDENING, NARROWING, GAP_NO_CHANGE or GAP_CANNOT_BE_CALCULATED
    test: TrendTest
    fitted_first: float | None = None  # the fitted SII at the first and the latest of the points
    fitted_latest: float | None = None


def recent_trend(points: Sequence[Point], polarity: str, value_type: str,
                 period_years: int = 1) -> RecentTrend:
    """Fingertips' recent-trend marker for an annual series (any order; see the module docstring).
    `polarity` is the indicator metadata's (higher_is_better, lower_is_better, not_applicable);
    `value_type` the metadata's (a "proportion" with counts takes the chi-squared test)."""
    test = trend_test(points, value_type, period_years)
    if not test.calculated:
        return RecentTrend(CANNOT_BE_CALCULATED, test)
    if not test.significant:
        return RecentTrend(NO_SIGNIFICANT_CHANGE, test)
    return RecentTrend(_MARKERS[direction_for(polarity), 1 if test.slope > 0 else -1], test)


def gap_trend(points: Sequence[Point], period_years: int = 1) -> GapTrend:
    """Whether the gap an SII measures is widening or narrowing: points carry the SII as `value`
    and its 95% limits."""
    test = trend_test(points, "sii", period_years)
    if not test.calculated:
        return GapTrend(GAP_CANNOT_BE_CALCULATED, test)
    x, y, se = _arrays(test.points)
    slope, _ = _weighted_slope(x, y, se)
    weights = 1 / se**2
    intercept = (np.sum(weights * y) - slope * np.sum(weights * x)) / np.sum(weights)
    first, latest = intercept + slope * x[0], intercept + slope * x[-1]
    if not test.significant:
        return GapTrend(GAP_NO_CHANGE, test, float(first), float(latest))
    return GapTrend(WIDENING if abs(latest) > abs(first) else NARROWING, test, float(first),
                    float(latest))


def trend_test(points: Sequence[Point], value_type: str, period_years: int = 1) -> TrendTest:
    """The significance test behind the marker, on the last RECENT_POINTS points."""
    recent = tuple(sorted(points, key=lambda p: p.year)[-RECENT_POINTS:])
    reason = _refusal(recent, period_years)
    if reason is None and value_type == "proportion" and all(_has_counts(p) for p in recent):
        counts = [(float(p.numerator), float(p.denominator)) for p in recent]
        if any(r <= 0 or r >= n for r, n in counts):
            reason = "a count is 0 or equals its denominator (no logit)"
        else:
            return _proportions_test(recent)
    if reason is None and not all(_has_limits(p) for p in recent):
        reason = "a point has no confidence limits (or limits of no width)"
    if reason is not None:
        return TrendTest(False, None, None, None, recent, reason)
    return _regression_test(recent)


def _refusal(recent: tuple[Point, ...], period_years: int) -> str | None:
    if len(recent) < RECENT_POINTS:
        return f"fewer than {RECENT_POINTS} periods"
    if any(p.value is None or not math.isfinite(p.value) for p in recent):
        return f"a value among the latest {RECENT_POINTS} periods is missing or withheld"
    gaps = {b.year - a.year for a, b in zip(recent, recent[1:], strict=False)}
    if gaps != {period_years}:
        return (f"the latest {RECENT_POINTS} periods are not consecutive, non-overlapping "
                f"periods of {period_years} year(s)")
    return None


def _has_counts(p: Point) -> bool:
    return p.numerator is not None and p.denominator is not None and p.denominator > 0


def _has_limits(p: Point) -> bool:
    return (p.lower_95 is not None and p.upper_95 is not None
            and math.isfinite(p.upper_95 - p.lower_95) and p.upper_95 > p.lower_95)


def _arrays(points: tuple[Point, ...]):
    x = np.array([p.year for p in points], float)
    y = np.array([p.value for p in points], float)
    se = np.array([(p.upper_95 - p.lower_95) / LIMITS_WIDTH_PER_SE for p in points], float)
    return x, y, se


def _weighted_slope(x: np.ndarray, y: np.ndarray, se: np.ndarray) -> tuple[float, float]:
    """Inverse-variance weighted least-squares slope and its variance (variances known)."""
    w = 1 / se**2
    sxx = np.sum(w) * np.sum(w * x * x) - np.sum(w * x) ** 2
    slope = (np.sum(w) * np.sum(w * x * y) - np.sum(w * x) * np.sum(w * y)) / sxx
    return float(slope), float(np.sum(w) / sxx)


def _ols_slope(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2))


def _keeps_sign(slope_of, x: np.ndarray, *series: np.ndarray) -> bool:
    """Fingertips' outlier check: the slope has one sign (0 counts as positive, as there) with all
    points and with each point left out in turn."""
    signs = {slope_of(x, *series) < 0}
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        signs.add(slope_of(x[keep], *(s[keep] for s in series)) < 0)
    return len(signs) == 1


def _regression_test(recent: tuple[Point, ...]) -> TrendTest:
    x, y, se = _arrays(recent)
    slope, variance = _weighted_slope(x, y, se)
    chi_squared = slope**2 / variance
    significant = (chi_squared > CHI_SQUARED_CRITICAL
                   and _keeps_sign(lambda *a: _weighted_slope(*a)[0], x, y, se))
    return TrendTest(significant, slope, chi_squared, "weighted regression", recent)


def chi_squared_for_trend(numerators: Sequence[float], denominators: Sequence[float],
                          scores: Sequence[float]) -> float:
    """Armitage's chi-squared statistic for a linear trend in proportions over the scores (1
    degree of freedom, no continuity correction; R's prop.trend.test)."""
    r, n, t = (np.asarray(a, float) for a in (numerators, denominators, scores))
    big_n, big_r = n.sum(), r.sum()
    return float(big_n * (big_n * np.sum(r * t) - big_r * np.sum(n * t)) ** 2
                 / (big_r * (big_n - big_r) * (big_n * np.sum(n * t * t) - np.sum(n * t) ** 2)))


def _proportions_test(recent: tuple[Point, ...]) -> TrendTest:
    t = np.array([p.year for p in recent], float)
    r = np.array([p.numerator for p in recent], float)
    n = np.array([p.denominator for p in recent], float)
    chi_squared = chi_squared_for_trend(r, n, t)
    logits = np.log(r / (n - r))
    slope = _ols_slope(t, logits)
    # the marker reads the logits' slope; it must point the way the test's score does (it nearly
    # always does: a guard, not in Fingertips, against a marker contradicting its own test)
    agrees = (slope < 0) == (n.sum() * np.sum(r * t) - r.sum() * np.sum(n * t) < 0)
    significant = bool(chi_squared > CHI_SQUARED_CRITICAL and agrees
                       and _keeps_sign(_ols_slope, t, logits))
    return TrendTest(significant, slope, chi_squared, "chi-squared test for trend in proportions",
                     recent)

"""Where an annual indicator is heading: its projection to a given year (the strategy's end,
2026/27) with a prediction interval, and whether an ambition is on track.

The projection is a straight line fitted by ordinary least squares to the annual values against
the period's first year, and its PREDICTION_LEVEL prediction interval for the value that will be
observed in the target year: fitted value ± t(n - 2) x s x sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx).
Why this one:
- the board's question is whether the figure published for 2026/27 will meet the ambition, and
  that figure carries the year-to-year scatter as well as the uncertainty of the line: a
  prediction interval (not the narrower confidence interval of the line) covers both;
- unweighted, because the residual scatter s already contains each year's sampling error, and
  a fit weighted by the limits (1 / SE^2) would treat sampling error as the only noise and give
  intervals far too narrow for large populations, whose real year-to-year change dwarfs it;
- where the points have 95% limits, their mean sampling variance is a floor for s^2: a short
  series can lie on a line by chance, but the next observed value will still carry its sampling
  error;
- t with n - 2 degrees of freedom, so four points give a wide interval (t = 4.30 at 95%), as they
  should; fewer than MIN_POINTS points are refused (two degrees of freedom is the least for an
  interval that means anything).
Only a straight line: a curve through four to six points is not identifiable. The interval can be
clipped to the value's natural bounds (0, and 100 for a percentage).

An ambition is "on track" when the whole interval meets it (at or below a ceiling where lower is
better, at or above a floor where higher is better), "off track" when none of it does, "uncertain"
otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from pipelines.statistics.inequality import Z95
from pipelines.statistics.spc import direction_for
from pipelines.statistics.trend import Point

# The ICS strategy 2023-27 ends with the year 2026/27 (a period's first year, as in Point)
STRATEGY_END = 2026
MIN_POINTS = 4
PREDICTION_LEVEL = 0.95

ON_TRACK, OFF_TRACK, UNCERTAIN = "on track", "off track", "uncertain"
NOT_PROJECTED = "not projected"


@dataclass(frozen=True)
class Projection:
    year: int
    value: float | None  # the fitted line at `year`
    lower: float | None  # the prediction interval
    upper: float | None
    slope: float | None  # change per year
    points_used: int
    reason: str | None = None  # why there is no projection

    @property
    def projected(self) -> bool:
        return self.reason is None


def project(points: Sequence[Point], year: int = STRATEGY_END, level: float = PREDICTION_LEVEL,
            bounds: tuple[float | None, float | None] = (None, None),
            period_years: int = 1) -> Projection:
    """The straight-line projection of the valued points to `year` (a period's first year), with
    its prediction interval, clipped to `bounds`. Periods of `period_years` must not overlap:
    rolling pooled periods share their years, so their scatter understates the year-to-year
    variation and the interval would be too narrow."""
    valued = sorted((p for p in points if p.value is not None and math.isfinite(p.value)),
                    key=lambda p: p.year)
    if len({p.year for p in valued}) != len(valued):
        raise ValueError("two points for the same year")
    if any(b.year - a.year < period_years for a, b in zip(valued, valued[1:], strict=False)):
        return Projection(year, None, None, None, None, len(valued),
                          f"the periods overlap (each is {period_years} years long)")
    if len(valued) < MIN_POINTS:
        return Projection(year, None, None, None, None, len(valued),
                          f"fewer than {MIN_POINTS} valued periods to fit a line through")
    x = np.array([p.year for p in valued], float)
    y = np.array([p.value for p in valued], float)
    n = len(x)
    sxx = np.sum((x - x.mean()) ** 2)
    slope = np.sum((x - x.mean()) * (y - y.mean())) / sxx
    intercept = y.mean() - slope * x.mean()
    residual_variance = np.sum((y - intercept - slope * x) ** 2) / (n - 2)
    sampling = [((p.upper_95 - p.lower_95) / (2 * Z95)) ** 2 for p in valued
                if p.lower_95 is not None and p.upper_95 is not None]
    if len(sampling) == n:
        residual_variance = max(residual_variance, float(np.mean(sampling)))
    fitted = intercept + slope * year
    half_width = (stats.t.ppf(1 - (1 - level) / 2, n - 2)
                  * math.sqrt(residual_variance * (1 + 1 / n + (year - x.mean()) ** 2 / sxx)))
    low = -math.inf if bounds[0] is None else bounds[0]
    high = math.inf if bounds[1] is None else bounds[1]

    def clip(v: float) -> float:
        return float(min(max(v, low), high))

    return Projection(year, clip(fitted), clip(fitted - half_width), clip(fitted + half_width),
                      float(slope), n)


def target_from_baseline(baseline: float, relative_change: float) -> float:
    """An ambition set as a change from a baseline year's value: -0.2 for a 20% reduction."""
    return baseline * (1 + relative_change)


def ambition_status(projection: Projection, target: float, polarity: str) -> str:
    """ON_TRACK, OFF_TRACK or UNCERTAIN by where the projection's interval lies against the
    target; NOT_PROJECTED without a projection. The polarity says which side meets it."""
    direction = direction_for(polarity)
    if direction == "neutral":
        raise ValueError("an ambition needs a polarity: is higher or lower better?")
    if not projection.projected:
        return NOT_PROJECTED
    if direction == "increase":
        meets_all, meets_none = projection.lower >= target, projection.upper < target
    else:
        meets_all, meets_none = projection.upper <= target, projection.lower > target
    return ON_TRACK if meets_all else OFF_TRACK if meets_none else UNCERTAIN

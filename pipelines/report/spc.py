"""Statistical process control for the board pack: XmR charts with the NHS England Making Data Count
rules, and the variation and assurance icons MDC puts on every metric.

XmR: the centre line is the mean; the process limits are mean ± 2.66 × the mean moving range
(the average absolute difference between consecutive points). The MDC rules for special cause:

1. a single point beyond a process limit;
2. a run of 7 or more consecutive points on one side of the mean;
3. a trend of 6 or more consecutive points all increasing or all decreasing;
4. two out of three consecutive points close to a limit (beyond two-thirds of the way from the mean
   to the limit, i.e. beyond 2 sigma), on the same side.

Variation icon: special cause in the latest point is "improvement" or "concern" by the metric's
polarity (or "neither" when there is no better direction); otherwise "common cause".
Assurance icon (only with a target): the target outside the limits on the good side → "pass";
on the bad side → "fail"; between the limits → "hit and miss".
"""

from __future__ import annotations

from dataclasses import dataclass, field

LIMIT_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
RUN_LENGTH = 7
TREND_LENGTH = 6


@dataclass(frozen=True)
class XmR:
    values: tuple[float, ...]
    mean: float
    lower: float
    upper: float
    # index of a point → the rules (1-4) it breaks, with "high"/"low" for the side
    signals: dict[int, set[tuple[int, str]]] = field(default_factory=dict)

    @property
    def latest_signal(self) -> str | None:
        """'high' or 'low' if the latest point is part of a special-cause signal."""
        sides = {side for _, side in self.signals.get(len(self.values) - 1, set())}
        return sides.pop() if len(sides) == 1 else None


def xmr(values: list[float]) -> XmR:
    """XmR limits and MDC signals for a series in time order (at least two points)."""
    points = [float(v) for v in values]
    if len(points) < 2:
        raise ValueError("an XmR chart needs at least two points")
    mean = sum(points) / len(points)
    moving_ranges = [abs(b - a) for a, b in zip(points, points[1:], strict=False)]
    spread = LIMIT_FACTOR * sum(moving_ranges) / len(moving_ranges)
    chart = XmR(tuple(points), mean, mean - spread, mean + spread, {})
    _beyond_limits(chart)
    _runs(chart)
    _trends(chart)
    _near_limits(chart, spread)
    return chart


def _mark(chart: XmR, index: int, rule: int, side: str) -> None:
    chart.signals.setdefault(index, set()).add((rule, side))


def _beyond_limits(chart: XmR) -> None:
    for i, v in enumerate(chart.values):
        if v > chart.upper:
            _mark(chart, i, 1, "high")
        elif v < chart.lower:
            _mark(chart, i, 1, "low")


def _runs(chart: XmR) -> None:
    """Rule 2: every point of a run of RUN_LENGTH+ on one side (a point on the mean breaks a run)."""
    sides = ["high" if v > chart.mean else "low" if v < chart.mean else None for v in chart.values]
    for first, last in _stretches(len(sides), lambda i: sides[i] == sides[i - 1]):
        if sides[first] and last - first + 1 >= RUN_LENGTH:
            for j in range(first, last + 1):
                _mark(chart, j, 2, sides[first])


def _trends(chart: XmR) -> None:
    """Rule 3: every point of TREND_LENGTH+ consecutive points each above (below) the one before."""
    v = chart.values
    for direction, side in ((1, "high"), (-1, "low")):
        for first, last in _stretches(len(v), lambda i, d=direction: (v[i] - v[i - 1]) * d > 0):
            if last - first + 1 >= TREND_LENGTH:
                for j in range(first, last + 1):
                    _mark(chart, j, 3, side)


def _stretches(n: int, continues):
    """(first, last) index of each maximal stretch where `continues(i)` links point i to i - 1."""
    first = 0
    for i in range(1, n + 1):
        if i == n or not continues(i):
            yield first, i - 1
            first = i


def _near_limits(chart: XmR, spread: float) -> None:
    """Rule 4: two of three consecutive points beyond 2 sigma (2/3 of the way to a limit), same side."""
    near = chart.mean + spread * 2 / 3, chart.mean - spread * 2 / 3
    for start in range(len(chart.values) - 2):
        window = range(start, start + 3)
        for side, beyond in (("high", lambda x: x > near[0]), ("low", lambda x: x < near[1])):
            hits = [j for j in window if beyond(chart.values[j])]
            if len(hits) >= 2:
                for j in hits:
                    _mark(chart, j, 4, side)


def variation(chart: XmR, polarity: str) -> str:
    """'common_cause', 'improvement_high', 'improvement_low', 'concern_high', 'concern_low',
    'neither_high' or 'neither_low' for the latest point (MDC variation icon)."""
    side = chart.latest_signal
    if side is None:
        return "common_cause"
    if polarity not in ("higher_is_better", "lower_is_better"):
        return f"neither_{side}"
    good = "high" if polarity == "higher_is_better" else "low"
    return f"{'improvement' if side == good else 'concern'}_{side}"


def assurance(chart: XmR, polarity: str, target: float | None) -> str | None:
    """'pass', 'fail' or 'hit_and_miss' against a target; None without a target or polarity."""
    if target is None or polarity not in ("higher_is_better", "lower_is_better"):
        return None
    if chart.lower <= target <= chart.upper:
        return "hit_and_miss"
    limits_above_target = chart.lower > target
    return "pass" if limits_above_target == (polarity == "higher_is_better") else "fail"

"""Statistical process control: XmR charts with the Making Data Count rules, ported from
NHSRplotthedots (the NHS-R implementation of MDC, version 0.2.2, R/ folder), so that every point is
classified as `ptd_spc()` classifies it (tests/unit/test_spc.py checks a corpus of its outputs).

What `spc()` does, step by step, each mirroring one reference function:
- `ptd_add_rebase_column` + `ptd_spc_standard`: a rebase starts a new group; each group gets its own
  mean and limits. With `fix_after_n_points`, only a group's first n points set them (a fixed
  baseline); later points are judged against it.
- limits (`ptd_spc_standard`): mean ± 2.66 × the mean moving range; near limits at two-thirds of
  that. Outlier screening: moving ranges of 3.267 × their mean or more (the moving range chart's
  upper limit) are dropped and the mean moving range is taken again, so one wild point does not
  widen the limits.
- rules (`ptd_special_cause_type`), in the reference's precedence when a point breaks several:
  1. beyond a process limit ("Above UCL" / "Below LCL");
  2. part of 7 points each strictly higher (lower) than the one before ("7 Point Trend");
  3. part of 2 of 3 points between the near limit and the limit, all 3 on one side of the mean;
  4. part of 7 points on one side of the mean.
  One label per point, so a point is never both improvement and concern.
- `ptd_point_type`: the label's side against the improvement direction (improvement / concern;
  neutral_high / neutral_low when neither direction is better).
- `ptd_add_short_group_warnings`: groups under 13 points have trial limits.
- `ptd_calculate_assurance_type`: the target against the latest point's limits.
- `ptd_get_icons`: the variation icon is the latest point's type; the assurance icon needs a
  target and a better direction.

One deliberate difference: the reference always draws icons; here they are withheld (None) when
the latest group has fewer than MIN_POINTS_FOR_ICONS points (MDC guidance: 15-20 points).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# ptd_spc_standard: limit = 2.66 (3 / d2, d2 = 1.128 for moving ranges of two points) and
# limitclose = 2 * (limit / 3), written as the reference writes it so the doubles agree
LIMIT = 2.66
LIMIT_CLOSE = 2 * (LIMIT / 3)
# ptd_spc_standard: a moving range of 3.267 (D4) × the mean moving range or more is screened out
MOVING_RANGE_SCREEN = 3.267
# the reference's rule lengths (ptd_seven_point_trend, ptd_seven_point_one_side_mean)
RUN_LENGTH = 7
# ptd_spc_options: fix_after_n_points must be at least 12
MIN_FIXED_BASELINE = 12
# ptd_add_short_group_warnings: getOption("ptd_spc.warning_threshold", 13); a group shorter than
# this has trial limits (the reference's message says "n < 12", its default is 13)
TRIAL_LIMITS_BELOW = 13
# Project policy (issue 18): no variation or assurance icon unless the latest group has this many
# points. MDC asks for 15-20 points before reading signals.
MIN_POINTS_FOR_ICONS = 15

DIRECTIONS = {"increase": 1, "neutral": 0, "decrease": -1}
COMMON_CAUSE = "Common Cause"


@dataclass(frozen=True)
class SPC:
    """One series' XmR chart, per point in time order (the columns of ptd_spc's data frame)."""

    values: tuple[float, ...]
    improvement_direction: str
    target: float | None
    rebase_group: tuple[int, ...]
    mean: tuple[float, ...]
    lpl: tuple[float, ...]
    upl: tuple[float, ...]
    nlpl: tuple[float, ...]
    nupl: tuple[float, ...]
    special_cause_type: tuple[str, ...]
    point_type: tuple[str, ...]
    short_group_warning: tuple[bool, ...]

    @property
    def short_series_warning(self) -> bool:
        """Some limits are trial limits (ptd_create_ggplot's caption)."""
        return any(self.short_group_warning)

    @property
    def latest_group_size(self) -> int:
        return self.rebase_group.count(self.rebase_group[-1])

    @property
    def icons_shown(self) -> bool:
        return self.latest_group_size >= MIN_POINTS_FOR_ICONS

    @property
    def variation_type(self) -> str:
        """The latest point's type (summary.ptd_spc_df's variation_type)."""
        return self.point_type[-1]

    @property
    def assurance_type(self) -> str | None:
        return assurance_type(self.target, self.lpl[-1], self.upl[-1], self.improvement_direction)

    @property
    def variation_icon(self) -> str | None:
        """The MDC variation icon, or None when the latest group is too short for icons."""
        return variation_icon(self.variation_type, self.improvement_direction) if self.icons_shown else None

    @property
    def assurance_icon(self) -> str | None:
        """The MDC assurance icon, or None (no target, neutral direction, or too short)."""
        return assurance_icon(self.assurance_type) if self.icons_shown else None


def assurance_type(target: float | None, lpl: float, upl: float, direction: str) -> str | None:
    """ptd_calculate_assurance_type: 'consistent_pass', 'consistent_fail' or 'inconsistent' from
    the target against the latest point's limits; None without a target or with a neutral
    direction."""
    if target is None or direction == "neutral":
        return None
    increasing = direction == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def variation_icon(latest_point_type: str, direction: str) -> str:
    """ptd_get_icons' variation icon (its svg file name without .svg) for the latest point."""
    if latest_point_type == "common_cause":
        return "common_cause"
    if latest_point_type.startswith("special_cause_neutral_"):
        return latest_point_type.removeprefix("special_cause_")
    high_is_better = direction == "increase"
    if latest_point_type == "special_cause_improvement":
        return "improvement_high" if high_is_better else "improvement_low"
    return "concern_low" if high_is_better else "concern_high"


def assurance_icon(kind: str | None) -> str | None:
    """ptd_get_icons' assurance icon: 'pass', 'fail' or 'inconsistent'."""
    return None if kind is None else {"consistent_pass": "pass", "consistent_fail": "fail"}.get(kind, kind)


def direction_for(polarity: str) -> str:
    """The reference's improvement direction for an indicator's polarity (metadata vocabulary)."""
    return {"higher_is_better": "increase", "lower_is_better": "decrease"}.get(polarity, "neutral")


def spc(values: Sequence[float], improvement_direction: str = "increase",
        target: float | None = None, rebase: Sequence[int] = (),
        fix_after_n_points: int | None = None, screen_outliers: bool = True) -> SPC:
    """ptd_spc for one series in time order. `rebase`: indices of the points where a new period
    starts (ptd_rebase's dates, as positions)."""
    y = [float(v) for v in values]
    if not y or not all(math.isfinite(v) for v in y):
        raise ValueError("SPC needs at least one value, all of them finite")
    if improvement_direction not in DIRECTIONS:
        raise ValueError(f"improvement_direction must be one of {sorted(DIRECTIONS)}")
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIXED_BASELINE:
        raise ValueError(f"fix_after_n_points must be at least {MIN_FIXED_BASELINE}")
    if any(not 0 <= i < len(y) for i in rebase):
        raise ValueError("rebase points must be indices of the series")

    # ptd_spc_standard: rebase_group = cumsum(rebase)
    starts = set(rebase)
    groups, group = [], 0
    for i in range(len(y)):
        group += i in starts
        groups.append(group)

    columns: dict[str, list] = {k: [] for k in ("mean", "lpl", "upl", "nlpl", "nupl", "type")}
    for first, last in _runs_of(groups):
        _group_columns(y[first:last], fix_after_n_points, screen_outliers, columns)

    direction = DIRECTIONS[improvement_direction]
    sizes = {g: groups.count(g) for g in set(groups)}
    return SPC(
        values=tuple(y), improvement_direction=improvement_direction, target=target,
        rebase_group=tuple(groups), mean=tuple(columns["mean"]), lpl=tuple(columns["lpl"]),
        upl=tuple(columns["upl"]), nlpl=tuple(columns["nlpl"]), nupl=tuple(columns["nupl"]),
        special_cause_type=tuple(columns["type"]),
        point_type=tuple(point_type(t, direction) for t in columns["type"]),
        short_group_warning=tuple(sizes[g] < TRIAL_LIMITS_BELOW for g in groups))


def _runs_of(groups: list[int]):
    """(first, end) of each stretch of equal group numbers."""
    first = 0
    for i in range(1, len(groups) + 1):
        if i == len(groups) or groups[i] != groups[first]:
            yield first, i
            first = i


def _mean(xs: list[float]) -> float:
    """R's mean(x, na.rm = TRUE) over the non-NaN values (NaN when there are none), computed as R's
    summary.c does: a long-double sum divided by n, then corrected by the mean residual. Anything
    less exact puts the mean one bit away from R's, and a value equal to the mean then falls on
    one side of it instead of on it (the runs rule counts sides)."""
    xs = [x for x in xs if not math.isnan(x)]
    if not xs:
        return math.nan
    n = np.longdouble(len(xs))
    total = np.longdouble(0)
    for x in xs:
        total += np.longdouble(x)
    mean = total / n
    residual = np.longdouble(0)
    for x in xs:
        residual += np.longdouble(x) - mean
    return float(mean + residual / n)


def _group_columns(y: list[float], fix_after_n_points: int | None, screen_outliers: bool,
                   columns: dict[str, list]) -> None:
    """ptd_spc_standard's mutate for one (facet, rebase group), then ptd_special_cause_type."""
    n_fixed = len(y) if fix_after_n_points is None else fix_after_n_points
    fix_y = [v if i < n_fixed else math.nan for i, v in enumerate(y)]
    mean = _mean(fix_y)
    mr = [math.nan] + [abs(b - a) for a, b in zip(fix_y, fix_y[1:], strict=False)]
    amr = _mean(mr)
    if screen_outliers:
        # NaN < x is False, so unknown ranges stay unknown, as case_when's NA condition does
        mr = [r if r < MOVING_RANGE_SCREEN * amr else math.nan for r in mr]
        amr = _mean(mr)
    lpl, upl = mean - (LIMIT * amr), mean + (LIMIT * amr)
    nlpl, nupl = mean - (LIMIT_CLOSE * amr), mean + (LIMIT_CLOSE * amr)
    outside = [v > upl or v < lpl for v in y]
    relative_to_mean = [_sign(v - mean) for v in y]
    close = [not o and (v < nlpl or v > nupl) for v, o in zip(y, outside, strict=True)]
    n = len(y)
    for key, value in (("mean", mean), ("lpl", lpl), ("upl", upl), ("nlpl", nlpl), ("nupl", nupl)):
        columns[key].extend([value] * n)
    columns["type"].extend(special_cause_type(y, relative_to_mean, close, outside))


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


# --- ptd_calculate_point_type.R, function by function -------------------------------------------

def seven_point_one_side_mean(relative_to_mean: list[int]) -> list[int]:
    """ptd_seven_point_one_side_mean: 1 at the 7th and later points of a run on one side."""
    v = [0] * (RUN_LENGTH - 1) + list(relative_to_mean)
    return [int(v[i] != 0 and all(v[i] == v[i - k] for k in range(1, RUN_LENGTH)))
            for i in range(RUN_LENGTH - 1, len(v))]


def part_of_seven_trend(v: list[int]) -> list[int]:
    """ptd_part_of_seven_trend: 1 where this point or one of the next 6 ends a run of 7."""
    padded = list(v) + [0] * (RUN_LENGTH - 1)
    return [int(any(abs(padded[i + k]) == 1 for k in range(RUN_LENGTH))) for i in range(len(v))]


def seven_point_trend(y: list[float]) -> list[int]:
    """ptd_seven_point_trend: 1 (-1) where a point ends 7 points each strictly above (below) the
    one before."""
    if len(y) < RUN_LENGTH:
        return [0] * len(y)
    out = [0] * (RUN_LENGTH - 1)
    for i in range(RUN_LENGTH - 1, len(y)):
        steps = [_sign(y[i - k] - y[i - k - 1]) for k in range(RUN_LENGTH - 1)]
        out.append(1 if all(s == 1 for s in steps) else -1 if all(s == -1 for s in steps) else 0)
    return out


def two_in_three(close: list[bool], relative_to_mean: list[int]) -> list[int]:
    """ptd_two_in_three: 1 where a window of 3 points including this one has at least 2 close to
    the limits and all 3 on the same side of the mean."""
    vp = [0, 0] + [int(c) for c in close] + [0, 0]
    rp = [0, 0] + list(relative_to_mean) + [0, 0]
    return [int(any(sum(vp[i + s:i + s + 3]) >= 2 and abs(sum(rp[i + s:i + s + 3])) == 3
                    for s in range(3)))
            for i in range(len(close))]


def part_of_two_in_three(v: list[int], close: list[bool]) -> list[int]:
    """ptd_part_of_two_in_three: only the points of the window that are close to a limit."""
    return [int(a == 1 and abs(int(c)) == 1) for a, c in zip(v, close, strict=True)]


def special_cause_type(y: list[float], relative_to_mean: list[int], close: list[bool],
                       outside: list[bool]) -> list[str]:
    """ptd_special_cause_type: one label per point, the first rule that applies (see module doc)."""
    trend = part_of_seven_trend(seven_point_trend(y))
    near = part_of_two_in_three(two_in_three(close, relative_to_mean), close)
    one_side = part_of_seven_trend(seven_point_one_side_mean(relative_to_mean))
    # the direction of a trend point: towards the next point when that is in a trend too (the
    # right side wins where two trends meet), else from the previous point
    sdy = [_sign(b - a) for a, b in zip(y, y[1:], strict=False)]
    labels = []
    for i in range(len(y)):
        if trend[i] and i + 1 < len(y) and trend[i + 1]:
            step = sdy[i]
        else:
            step = sdy[i - 1] if i > 0 else 0
        side = "Above" if relative_to_mean[i] > 0 else "Below"
        if outside[i]:
            labels.append("Above UCL" if relative_to_mean[i] == 1 else "Below LCL")
        elif trend[i]:
            labels.append(f"7 Point Trend ({'In' if step == 1 else 'De'}creasing)")
        elif near[i]:
            labels.append(f"2 in 3 {side} CL")
        elif one_side[i]:
            labels.append(f"7 Points {side} CL")
        else:
            labels.append(COMMON_CAUSE)
    return labels


def label_side(label: str) -> int:
    """ptd_point_type's str_detect: 1 for a high signal, -1 for a low one, 0 for common cause."""
    if "Above" in label or "Increasing" in label:
        return 1
    return -1 if ("Below" in label or "Decreasing" in label) else 0


def point_type(label: str, direction: int) -> str:
    """ptd_point_type: a label's side, oriented by the improvement direction (1, 0 or -1)."""
    v = label_side(label)
    if direction == 0:
        return {1: "special_cause_neutral_high", -1: "special_cause_neutral_low"}.get(v, "common_cause")
    v *= direction
    return {1: "special_cause_improvement", -1: "special_cause_concern"}.get(v, "common_cause")

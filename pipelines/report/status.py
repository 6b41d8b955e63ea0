"""Where each indicator stands, for the overview: its latest ICS value, how it compares with England,
its recent trend, the trend of its inequality gap, the Making Data Count icons where a series is
long enough for them, its projection to 2026/27 against any target, and what needs the board's
attention (each with a question the board might ask). Every judgement is made by
pipelines/statistics; this module gathers the published figures for it and words the result."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from pipelines.report import narrative
from pipelines.report.published import Published, bare_period, lookback_incomplete
from pipelines.report.sections import OVERLAPPING_PERIOD_TYPES, ics_series
from pipelines.report.spc_series import ics_monthly_spc
from pipelines.statistics.benchmark import NOT_COMPARED, Comparison, compare_with_benchmark
from pipelines.statistics.spc import SPC, direction_for
from pipelines.statistics.trajectory import (
    ON_TRACK,
    STRATEGY_END,
    Projection,
    ambition_status,
    project,
)
from pipelines.statistics.trend import (
    CANNOT_BE_CALCULATED,
    GAP_CANNOT_BE_CALCULATED,
    WIDENING,
    GapTrend,
    Point,
    RecentTrend,
    gap_trend,
    recent_trend,
)

END_LABEL = f"{STRATEGY_END}/{(STRATEGY_END + 1) % 100:02d}"  # the strategy's last year, 2026/27
# a period's length in years where it is not one year (rolling pooled periods start a year apart)
POOLED_YEARS = 3

# What needs the board's attention, by kind: the heading of the kind and the question the board
# might ask, worded for one indicator ({name}: its short title).
ATTENTION = {
    "concern": ("Unusual monthly figures",
                "What has changed in {name} since then, and is it being looked into?"),
    "widening_gap": ("Gap between the most and least deprived is widening",
                     "Which communities are being left behind on {name}, and what would narrow the gap?"),
    "missed_target": ("Target missed",
                      "What would it take to meet the target for {name}, and by when?"),
    "worsening": ("Getting worse",
                  "What is driving the worsening in {name}, and when should we expect it to turn?"),
}


# A trend that could not be tested (too few valued periods), in the pack's words
NOT_TESTED = "Not tested"


@dataclass(frozen=True)
class Attention:
    """One thing the board should look at: what, where, since when, and a question to ask."""

    kind: str  # a key of ATTENTION
    what: str
    where: str
    since: str

    @property
    def heading(self) -> str:
        return ATTENTION[self.kind][0]


@dataclass(frozen=True)
class MonthlyChart:
    series: dict  # the series' meta
    months: tuple[str, ...]  # the settled months, one per point of `chart`
    chart: SPC


@dataclass(frozen=True)
class England:
    value: float
    period: str
    comparison: Comparison  # NOT_COMPARED when England's period is not one of ours


@dataclass(frozen=True)
class Status:
    meta: dict
    periods: tuple[str, ...]  # the ICS series, oldest first (withheld values are None)
    years: tuple[int, ...]  # each period's first year
    values: tuple[float | None, ...]
    england: England | None
    trend: RecentTrend
    gap: GapTrend
    monthly: tuple[MonthlyChart, ...]  # the monthly series related to the indicator
    projection: Projection
    ambition: str | None  # ON_TRACK, OFF_TRACK, UNCERTAIN or NOT_PROJECTED; None without a target
    attention: tuple[Attention, ...]
    incomplete: tuple[bool, ...] = ()  # each period's look-back incomplete (it undercounts)

    @property
    def latest(self) -> str:
        return (f"{narrative.fmt(self.values[-1], self.meta['unit'])} ({self.periods[-1]})"
                if self.periods else "no data")

    def question(self, item: Attention) -> str:
        return ATTENTION[item.kind][1].format(name=self.meta["short_title"])

    @property
    def trend_words(self) -> str:
        """The recent trend as the pack says it wherever it is shown (the reason beside it)."""
        return NOT_TESTED if self.trend.marker == CANNOT_BE_CALCULATED else self.trend.marker

    @property
    def gap_words(self) -> str:
        return (NOT_TESTED if self.gap.direction == GAP_CANNOT_BE_CALCULATED
                else self.gap.direction.capitalize())


def published_indicators(pub: Published) -> list[dict]:
    present = set(pub.values["indicator_id"])
    return [m for m in pub.indicators.values() if m["id"] in present]


def indicator_status(pub: Published, meta: dict) -> Status:
    ics = ics_series(pub, meta["id"])
    period_years = POOLED_YEARS if meta["period_type"] in OVERLAPPING_PERIOD_TYPES else 1
    incomplete = tuple(lookback_incomplete(ics))
    points = _points(ics, incomplete)
    trend = recent_trend(points, meta["polarity"], meta["value_type"], period_years)
    gap = gap_trend(_gap_points(pub, meta, ics, incomplete), period_years)
    target = (meta.get("target") or {}).get("value")
    bounds = (0.0, 100.0) if meta["unit"] == "%" else (0.0, None)
    projection = project(points, bounds=bounds, period_years=period_years)
    ambition = None if target is None else ambition_status(projection, target, meta["polarity"])
    monthly = tuple(_monthly(pub, s) for s in pub.series.values()
                    if s["related_indicator"] == meta["id"])
    values = tuple(None if pd.isna(v) else float(v) for v in ics["value"])
    status = Status(meta, tuple(ics["period"]), tuple(p.year for p in points), values,
                    _england(pub, meta, ics), trend, gap,
                    tuple(m for m in monthly if m is not None), projection, ambition, (), incomplete)
    return replace(status, attention=tuple(_attention(status)))


def _points(ics: pd.DataFrame, incomplete: tuple[bool, ...]) -> list[Point]:
    """The ICS series as trend points. Without counts on purpose: published counts are rounded for
    disclosure, and the chi-squared test for proportions would treat the rounded counts as exact
    binomial counts; the weighted regression uses the 95% limits, the uncertainty the pack shows.
    A period whose look-back is incomplete has no value here: it undercounts, so a trend or a
    projection through it would show a change the data do not."""
    return [Point(int(r.period_start.year), None if gap else _number(r.value),
                  _number(r.lower_ci95), _number(r.upper_ci95))
            for r, gap in zip(ics.itertuples(), incomplete, strict=True)]


def _gap_points(pub: Published, meta: dict, ics: pd.DataFrame,
                incomplete: tuple[bool, ...]) -> list[Point]:
    """The ICS's gap (SII) series as trend points; none for a period whose look-back is incomplete
    (as _points)."""
    year_of = dict(zip(ics["period"], ics["period_start"].dt.year, strict=True))
    undercounted = {p for p, gap in zip(ics["period"], incomplete, strict=True) if gap}
    rows = pub.inequality[(pub.inequality["indicator_id"] == meta["id"])
                          & (pub.inequality["area_type"] == "ics")]
    return [Point(int(year_of[r.period]), None if r.period in undercounted else _number(r.sii),
                  _number(r.sii_lower_ci95), _number(r.sii_upper_ci95))
            for r in rows.itertuples() if r.period in year_of]


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _england(pub: Published, meta: dict, ics: pd.DataFrame) -> England | None:
    """England's value in the latest period that both publish (compared by the ICS's limits);
    else England's latest value, not compared (published for another period type)."""
    england = pub.england[pub.england["indicator_id"] == meta["id"]]
    if england.empty:
        return None
    by_period = dict(zip(england["period"], england["value"], strict=True))
    for row in ics.iloc[::-1].itertuples():
        period = bare_period(row.period)
        if period in by_period and pd.notna(row.value):
            comparison = compare_with_benchmark(
                row.value, (_number(row.lower_ci95), _number(row.upper_ci95)), by_period[period],
                meta["polarity"], (_number(row.lower_ci998), _number(row.upper_ci998)))
            return England(float(by_period[period]), period, comparison)
    latest = england.iloc[-1]  # read `order by all`: the latest period last
    return England(float(latest["value"]), latest["period"], Comparison(NOT_COMPARED))


def _monthly(pub: Published, series: dict) -> MonthlyChart | None:
    """The ICS's XmR chart of a monthly series, as its chart shows it (spc_series: re-based,
    provisional months left out of the limits and signals)."""
    monthly = ics_monthly_spc(pub, series)
    return None if monthly is None else MonthlyChart(series, monthly.settled_months, monthly.chart)


def _attention(status: Status) -> list[Attention]:
    meta, unit, where = status.meta, status.meta["unit"], "Whole ICS"
    found = []
    for monthly in status.monthly:
        icon = monthly.chart.variation_icon  # None when the series is too short for icons
        if icon and icon.startswith("concern"):
            since = _run_start(monthly.chart.point_type, "special_cause_concern")
            found.append(Attention(
                "concern", f"{monthly.series['title']}: the latest months are unusually "
                f"{'high' if icon.endswith('high') else 'low'}, beyond the usual month-to-month "
                "variation (a special cause of concern).", where, monthly.months[since]))
    if status.gap.direction == WIDENING:
        tested = status.gap.test.points
        found.append(Attention(
            "widening_gap", "The gap between the most and least deprived ends of the population is "
            f"widening: the slope index of inequality went from {narrative.fmt(tested[0].value)} to "
            f"{narrative.fmt(tested[-1].value)} {narrative.gap_unit(unit)} over the last "
            f"{len(tested)} periods, a significant trend.", where, _period_of(status, tested[0].year)))
    target = meta.get("target")
    if target and status.values and _misses(status.values[-1], target["value"], meta["polarity"]):
        run = [v is not None and _misses(v, target["value"], meta["polarity"]) for v in status.values]
        track = ("" if status.ambition is None or status.ambition == ON_TRACK else
                 f" On the current trend, {END_LABEL} is {status.ambition} for it.")
        found.append(Attention(
            "missed_target", f"{narrative.fmt(status.values[-1], unit)} in {status.periods[-1]} "
            f"against a target of {narrative.fmt(target['value'], unit)} ({target['source']}).{track}",
            where, status.periods[_run_start(run, True)]))
    if status.trend.marker.endswith("getting worse"):
        tested = status.trend.test.points
        found.append(Attention(
            "worsening", f"{status.trend.marker} over the last {len(tested)} periods "
            f"({narrative.fmt(tested[0].value, unit)} to {narrative.fmt(tested[-1].value, unit)}), "
            "a significant trend.", where, _period_of(status, tested[0].year)))
    return found


def _misses(value: float, target: float, polarity: str) -> bool:
    return value < target if direction_for(polarity) == "increase" else value > target


def _run_start(items, value) -> int:
    """The index where the latest unbroken run of `value` at the end of `items` starts."""
    start = len(items)
    while start > 0 and items[start - 1] == value:
        start -= 1
    return start


def _period_of(status: Status, year: int) -> str:
    """The label of the ICS period that starts in `year`."""
    return status.periods[status.years.index(year)]

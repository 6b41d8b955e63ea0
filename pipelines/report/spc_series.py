"""A monthly series' XmR chart as the board pack shows it, the one function behind both the monthly
charts (charts.py) and the overview's icons (status.py), so the two cannot disagree:
- re-based at each recorded system change inside the series (system_changes.yml);
- provisional months (their counts may still grow) and undercounted months (their look-back starts
  before the data do: docs/methods.md#incomplete-look-back) left out of the limits and the
  signals, but kept to be shown, marked;
- icons only where spc() allows them (the latest group long enough: SPC.icons_shown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from pipelines.report.published import Published, flagged, lookback_incomplete
from pipelines.statistics.spc import SPC, direction_for, spc

SYSTEM_CHANGES_FILE = Path(__file__).with_name("system_changes.yml")
# spc() needs two points for a moving range
MIN_SETTLED_MONTHS = 2
# a provisional or undercounted month's kind, beside spc's point types (figures.spc_chart marks
# them hollow)
PROVISIONAL_POINT = "provisional"
UNDERCOUNTED_POINT = "undercounted"


@dataclass(frozen=True)
class SystemChange:
    month: str  # YYYY-MM, the first month of the new process
    reason: str
    source: str
    applies_to: str | tuple[str, ...]  # "all" or series ids

    def applies(self, series_id: str) -> bool:
        return self.applies_to == "all" or series_id in self.applies_to


@cache
def system_changes(path: Path = SYSTEM_CHANGES_FILE) -> tuple[SystemChange, ...]:
    entries = yaml.safe_load(path.read_text()) or []
    return tuple(SystemChange(str(e["month"]), e["reason"], e["source"],
                              e["applies_to"] if e["applies_to"] == "all" else tuple(e["applies_to"]))
                 for e in entries)


@dataclass(frozen=True)
class MonthlySPC:
    """Every published month of a series, and the XmR chart of its settled ones (neither provisional
    nor undercounted)."""

    months: tuple[str, ...]  # YYYY-MM, oldest first (withheld months left out)
    values: tuple[float, ...]
    provisional: tuple[bool, ...]
    chart: SPC  # over the settled months only, in order
    rebased_at: tuple[SystemChange, ...]  # the changes that start a new group in this series
    undercounted: tuple[bool, ...]  # each month's look-back incomplete

    @property
    def unsettled(self) -> tuple[bool, ...]:
        """Each month left out of the chart: provisional or undercounted."""
        return tuple(p or u for p, u in zip(self.provisional, self.undercounted, strict=True))

    @property
    def settled_months(self) -> tuple[str, ...]:
        """The months of `chart`, one per point."""
        return tuple(m for m, out in zip(self.months, self.unsettled, strict=True) if not out)

    def per_month(self, column: str) -> list[float]:
        """A chart column (mean, upl, lpl, …) for every month: a month left out carries the limits
        of the settled month before it (where its group's limits would extend), none before the
        first."""
        settled = iter(getattr(self.chart, column))
        out, last = [], None
        for left_out in self.unsettled:
            if not left_out:
                last = next(settled)
            out.append(last)
        return out

    @property
    def point_kinds(self) -> list[str]:
        """Each month's point type (spc's vocabulary), or PROVISIONAL_POINT / UNDERCOUNTED_POINT."""
        kinds = iter(self.chart.point_type)
        return [PROVISIONAL_POINT if p else UNDERCOUNTED_POINT if u else next(kinds)
                for p, u in zip(self.provisional, self.undercounted, strict=True)]


def runs(items: Sequence) -> list[tuple[int, int]]:
    """(first, end) of each run of equal items, e.g. the months of each rebase group."""
    starts = [i for i in range(len(items)) if i == 0 or items[i] != items[i - 1]]
    return list(zip(starts, [*starts[1:], len(items)], strict=True))


def monthly_spc(series_id: str, months: Sequence[str], values: Sequence[float],
                provisional: Sequence[bool], polarity: str, target: float | None = None,
                changes: Sequence[SystemChange] | None = None,
                undercounted: Sequence[bool] = ()) -> MonthlySPC | None:
    """The series' chart (see the module doc); None with fewer than two settled months.
    `undercounted` empty: no month is."""
    changes = system_changes() if changes is None else changes
    undercounted = tuple(bool(u) for u in undercounted) or (False,) * len(months)
    left_out = [p or u for p, u in zip(provisional, undercounted, strict=True)]
    settled = [m for m, out in zip(months, left_out, strict=True) if not out]
    if len(settled) < MIN_SETTLED_MONTHS:
        return None
    # a change starts a group at the first settled month on or after it, if that is not the first
    rebases: dict[int, SystemChange] = {}
    for change in sorted((c for c in changes if c.applies(series_id)), key=lambda c: c.month):
        index = next((i for i, m in enumerate(settled) if m >= change.month), None)
        if index:
            rebases.setdefault(index, change)
    chart = spc([v for v, out in zip(values, left_out, strict=True) if not out],
                direction_for(polarity), target, rebase=sorted(rebases))
    return MonthlySPC(tuple(months), tuple(float(v) for v in values), tuple(provisional), chart,
                      tuple(rebases[i] for i in sorted(rebases)), undercounted)


def ics_monthly_spc(pub: Published, series: dict) -> MonthlySPC | None:
    """A series' chart for the whole ICS from the published layer (withheld months left out)."""
    rows = pub.monthly[(pub.monthly["indicator_id"] == series["id"])
                       & (pub.monthly["area_type"] == "ics")].sort_values("period")
    rows = rows.dropna(subset=["value"])
    months = rows["period"].tolist()
    return monthly_spc(series["id"], months, rows["value"].tolist(),
                       provisional_months(pub, series["related_indicator"], months),
                       series["polarity"], (series.get("target") or {}).get("value"),
                       undercounted=lookback_incomplete(rows).tolist())


def provisional_months(pub: Published, indicator_id: str, months: Sequence[str]) -> list[bool]:
    """Which months are provisional: those inside a period published as provisional for the
    series' related indicator (deaths in it may still be registered: docs/methods.md
    #provisional-periods), and the latest month, which the extracts rarely cover in full
    (activity coded late), so a low last month is not read as a signal."""
    values = pub.indicator_values(indicator_id)
    provisional = values[flagged(values, "is_provisional")]
    spans = list(zip(provisional["period_start"], provisional["period_end"], strict=True))
    starts = [pd.Timestamp(f"{m}-01") for m in months]
    marked = [any(s <= start <= e for s, e in spans) for start in starts]
    if marked:
        marked[-1] = True
    return marked

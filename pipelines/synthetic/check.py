"""Calibration check: the demo's measures computed straight from the generated files, for every
financial year they cover, against the targets in calibration.yml (``targets``). Used by
``pophealth demo-data --check``; it fails when any year of any target is out.

A target is a level (``value`` ± ``tolerance``, or bounds ``min``/``max``; ``by_year`` gives years
their own value; years in ``except`` are shown, not judged), a stability rule (``year_to_year``:
the change between consecutive years, skipping the years it excepts, within ``max_change`` of the
intended ``trend``), or both. A ``pooled`` target is judged once, on all the years pooled (each
year is shown); a measure may exist only pooled (suicides by age). Every figure is computed with
DuckDB (check_measures.py) over the delivered files, tidied as an analyst would (check_files.py),
and classified with the generator's own codes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pipelines.synthetic.calibration import load_calibration
from pipelines.synthetic.check_files import ALL_YEARS, load_files
from pipelines.synthetic.check_measures import MEASURES


@dataclass(frozen=True)
class Check:
    """One target judged in one year (``year`` ALL_YEARS: over all of them)."""

    name: str
    year: str
    value: float | None
    low: float | None  # bounds; None: none that side (both None: shown, nothing to judge)
    high: float | None
    source: str
    judged: bool = True  # False: shown for information (an excepted year, a year of a pooled one)
    target: float | None = None  # the value aimed at, when the bounds are target ± tolerance

    @property
    def ok(self) -> bool:
        if not self.judged:
            return True
        if self.value is None or math.isnan(self.value):
            return False
        return ((self.low is None or self.value >= self.low - 1e-12)
                and (self.high is None or self.value <= self.high + 1e-12))


def observe(out: Path, targets: dict | None = None) -> dict[str, dict[str, float | None]]:
    """Every target's measure, {target: {year: value}}, computed from the files in ``out``."""
    targets = targets if targets is not None else load_calibration()["targets"]
    con = load_files(out)
    try:
        observed = {name: MEASURES[spec.get("measure", name)](con, spec)
                    for name, spec in targets.items()}
    finally:
        con.close()
    return observed


# --- judging the observed values against the targets -----------------------------------------

def _level(name: str, spec: dict, values: dict) -> list[Check]:
    """The value each year against the target (a target with only a stability rule: shown)."""
    checks = []
    for year, value in values.items():
        judged = year not in spec.get("except", []) and (year == ALL_YEARS or not spec.get("pooled"))
        if value is None and not judged:
            continue  # e.g. the change since a year, in that year
        target = spec.get("by_year", {}).get(year, spec.get("value"))
        low, high = ((target - spec["tolerance"], target + spec["tolerance"])
                     if target is not None else (spec.get("min"), spec.get("max")))
        checks.append(Check(name, year, value, low, high, spec["source"], judged, target))
    return checks


def _year_to_year(name: str, rule: dict, values: dict) -> list[Check]:
    """Change between consecutive judged years (across an excepted year, the years either side
    are compared, with the intended trend compounded over the gap)."""
    years = list(values)
    kept = [y for y in years if y not in rule.get("except", []) and values[y] is not None]
    checks = []
    for before, after in zip(kept, kept[1:], strict=False):
        expected = (1 + rule.get("trend", 0.0)) ** (years.index(after) - years.index(before)) - 1
        change = values[after] / values[before] - 1 if values[before] else None
        checks.append(Check(f"{name} change", after, change, expected - rule["max_change"],
                            expected + rule["max_change"], rule["source"]))
    return checks


def judge(observed: dict, targets: dict) -> list[Check]:
    checks = []
    for name, spec in targets.items():
        checks += _level(name, spec, observed[name])
        if "year_to_year" in spec:
            checks += _year_to_year(name, spec["year_to_year"], observed[name])
    return checks


def calibration_check(out: Path) -> list[Check]:
    targets = load_calibration()["targets"]
    return judge(observe(out, targets), targets)


# --- the table ------------------------------------------------------------------------------

def _target_text(checks: list[Check]) -> str:
    first = checks[0]
    if first.name.endswith(" change"):
        return f"{first.low:+.0%}..{first.high:+.0%}" if first.low != -first.high else \
            f"±{first.high:.0%}"
    if len({(c.low, c.high) for c in checks}) > 1:
        return "by year ↓"
    low, high = first.low, first.high
    if first.target is not None:
        return f"{first.target:.4g} ± {(high - low) / 2:.3g}"
    if low is not None and high is not None:
        return f"{low:.4g}..{high:.4g}"
    if low is None and high is None:
        return "(shown)"
    return f"≥ {low:.4g}" if low is not None else f"≤ {high:.4g}"


def _cell(value: float | None, change: bool) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:+.1%}" if change else f"{value + 0.0:.4g}"  # + 0.0: no "-0"


def format_checks(checks: list[Check]) -> str:
    """Rows: targets (and their year-to-year changes); columns: years. ``*`` marks a value out of
    its target, ``( )`` one shown but not judged."""
    years = list(dict.fromkeys(c.year for c in checks if c.year != ALL_YEARS))
    if any(c.year == ALL_YEARS for c in checks):
        years.append(ALL_YEARS)
    rows: dict[str, list[Check]] = {}
    for c in checks:
        rows.setdefault(c.name, []).append(c)
    width = max(len(n) for n in rows) + 2
    lines = [f"{'measure':{width}}{'target':>16}" + "".join(f"{y:>11}" for y in years)]
    legend = ("* outside the target; ( ) shown, not judged: a year the target excepts, or one "
              "year of a target judged on all years pooled")
    for name, row in rows.items():
        cells = {c.year: c for c in row}
        change = name.endswith(" change")
        text = []
        for year in years:
            c = cells.get(year)
            if c is None:
                text.append(f"{'':>11}")
                continue
            cell = _cell(c.value, change)
            cell = f"({cell})" if not c.judged else cell + ("*" if not c.ok else " ")
            text.append(f"{cell:>11}")
        lines.append(f"{name:{width}}{_target_text(row):>16}" + "".join(text))
        if _target_text(row) == "by year ↓":
            lines.append(f"{'':{width}}{'target':>16}" + "".join(
                f"{_cell(cells[y].target, False) + ' ':>11}"
                if y in cells and cells[y].target is not None else f"{'':>11}" for y in years))
    failed = [c for c in checks if not c.ok]
    lines.append(legend)
    lines.append(f"{len(checks) - len(failed)} of {len(checks)} checks within target"
                 + (f"; out: {', '.join(dict.fromkeys(c.name for c in failed))}"
                    if failed else ""))
    return "\n".join(lines)

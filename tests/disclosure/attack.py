"""A differencing attack on the ``published`` schema, written as an outsider would write it.

It reads nothing but the published tables (the area hierarchy from published.lsoa_deprivation),
knows nothing of how the pipeline suppresses, and tries everything the disclosure issue listed:

1. **Value and limit identities.** A value with its confidence limits is a function of the counts
   behind it; where exactly one pair of counts near the published (rounded) counts reproduces the
   published value and limits, the exact counts are known.
2. **Additive relations**, found from the published figures themselves: breakdown values add up to
   their ``all`` row; local authorities to their place and places to the ICS (by the LSOA lookup);
   indicators with a common id stem whose numerators add up to their common denominator (the
   place-of-death shares); any two count series that are equal wherever both are known (one
   indicator's numerator is another's denominator); monthly counts that add up to an annual count.
3. **Subtraction closure**: any relation with one hidden count gives it away; repeat until nothing
   more comes. Run twice: with exactly known counts only (a real recovery), and treating every
   published count as exact (a naive attacker's guess, right by luck when rounding cancels).

The attack reports what it solved; the tests compare that with the exact counts in ``marts``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import numpy as np
from scipy import stats

Z = {0.95: stats.norm.ppf(0.975), 0.998: stats.norm.ppf(0.999)}
KINDS = ("numerator", "denominator")


@dataclass(frozen=True)
class Cell:
    table: str
    indicator_id: str
    period: str
    area_type: str
    area_code: str
    breakdown: str
    breakdown_value: str
    kind: str  # numerator | denominator


@dataclass
class AttackResult:
    exact_from_identities: dict[Cell, int] = field(default_factory=dict)
    solved_exact: dict[Cell, float] = field(default_factory=dict)  # hidden cells, from exact counts
    solved_naive: dict[Cell, float] = field(default_factory=dict)  # hidden cells, rounding ignored
    hidden: set[Cell] = field(default_factory=set)
    relations: int = 0
    published_small_counts: list[tuple[Cell, float]] = field(default_factory=list)
    published_off_base: list[tuple[Cell, float]] = field(default_factory=list)


# -- 1. value and limit identities -------------------------------------------------------------

def wilson_lower(x: float, n: float, confidence: float) -> float:
    if x == 0:
        return 0.0
    z = Z[confidence]
    return (2 * x + z * z - z * math.sqrt(z * z + 4 * x * (1 - x / n))) / (2 * (n + z * z))


def poisson_lower(x: float, confidence: float) -> float:
    """PHE: exact below 10 events, Byar's approximation from 10."""
    if x == 0:
        return 0.0
    if x < 10:
        return stats.chi2.ppf((1 - confidence) / 2, 2 * x) / 2
    z = Z[confidence]
    return x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _candidates(published: float | None) -> range:
    if published is None or published != published:
        return range(0)
    low = max(0, int(published) - 4)
    return range(low, int(published) + 5)


def invert(row: dict) -> tuple[int | None, int | None]:
    """The exact (numerator, denominator) the value and limits of a row imply, when unique."""
    value, lower, m = row["value"], row["lower_ci95"], row["multiplier"]
    n_pub, d_pub = row["numerator"], row["denominator"]
    if value is None or lower is None or value != value or lower != lower:
        return None, None
    kind = row["value_type"]
    fits = set()
    if kind == "proportion":
        for d in _candidates(d_pub):
            if d <= 0:
                continue
            x = round(value * d / m)
            if 0 <= x <= d and _close(x * m / d, value) and _close(wilson_lower(x, d, 0.95) * m, lower):
                fits.add((x, d))
    elif kind in ("crude_rate", "ratio"):
        for x in _candidates(n_pub):
            if x <= 0 or value <= 0:
                continue
            if _close(poisson_lower(x, 0.95) / x, lower / value):
                fits.add((x, None))
    elif kind == "dsr":
        upper = row["upper_ci95"]
        for x in _candidates(n_pub):
            if x <= 0 or upper is None or upper == value:
                continue
            o_low = poisson_lower(x, 0.95)
            o_up = stats.chi2.ppf(0.975, 2 * (x + 1)) / 2 if x < 10 else \
                (x + 1) * (1 - 1 / (9 * (x + 1)) + Z[0.95] / (3 * math.sqrt(x + 1))) ** 3
            if _close((lower - value) / (upper - value), (o_low - x) / (o_up - x)):
                fits.add((x, None))
    if len(fits) != 1:
        return None, None
    return next(iter(fits))


# -- 2. relations found from the published figures ---------------------------------------------

def _read(path) -> tuple[list[dict], dict[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("""
            select 'indicator_values' as table_name, indicator_id, period, area_type, area_code,
                   breakdown, breakdown_value, numerator, denominator, value, lower_ci95,
                   upper_ci95, value_type, multiplier, null as fy_start
            from published.indicator_values
            union all
            select 'monthly_activity', indicator_id, period, area_type, area_code, breakdown,
                   breakdown_value, numerator, denominator, value, lower_ci95, upper_ci95,
                   value_type, multiplier,
                   -- the financial year of a month 'YYYY-MM', as the indicators label it
                   (cast(left(period, 4) as int) - case when cast(right(period, 2) as int) < 4
                                                        then 1 else 0 end) as fy_start
            from published.monthly_activity""").df()
        lookup = con.execute("""select distinct lad19cd, place_code from published.lsoa_deprivation
                                where lad19cd is not null and place_code is not null""").fetchall()
    records = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
               for r in rows.to_dict("records")]
    for r in records:
        start = r.pop("fy_start")
        r["financial_year"] = None if start is None else f"{int(start)}/{(int(start) + 1) % 100:02d}"
    return records, dict(lookup)


def _cell(row: dict, kind: str) -> Cell:
    return Cell(row["table_name"], row["indicator_id"], str(row["period"]), row["area_type"],
                row["area_code"], row["breakdown"], row["breakdown_value"], kind)


def find_relations(rows: list[dict], place_of: dict[str, str], known: dict[Cell, float]) -> list:
    """Each relation is (total, [parts]): total = sum(parts)."""
    cells = {}
    for row in rows:
        for kind in KINDS:
            if kind == "denominator" and row["value_type"] == "count":
                continue
            cells[_cell(row, kind)] = row
    relations = []
    by_total = defaultdict(list)
    ics = next((c.area_code for c in cells if c.area_type == "ics"), None)
    keys_of = defaultdict(list)
    for c in cells:
        keys_of[(c.table, c.indicator_id, c.kind)].append(
            (c.period, c.area_type, c.area_code, c.breakdown, c.breakdown_value))
    for c in cells:
        if c.breakdown != "all":
            total = Cell(c.table, c.indicator_id, c.period, c.area_type, c.area_code, "all", "All", c.kind)
            by_total[(total, c.breakdown)].append(c)
        if c.area_type == "local_authority" and c.area_code in place_of:
            total = Cell(c.table, c.indicator_id, c.period, "place", place_of[c.area_code],
                         c.breakdown, c.breakdown_value, c.kind)
            by_total[(total, "la")].append(c)
        if c.area_type == "place":
            total = Cell(c.table, c.indicator_id, c.period, "ics", ics, c.breakdown,
                         c.breakdown_value, c.kind)
            by_total[(total, "place")].append(c)
    for (total, _), parts in by_total.items():
        if total in cells:
            relations.append((total, parts))

    # equal series: (table, indicator, kind) pairs equal wherever both are known
    series = defaultdict(dict)
    for c in cells:
        if c in known:
            series[(c.table, c.indicator_id, c.kind)][(c.period, c.area_type, c.area_code,
                                                       c.breakdown, c.breakdown_value)] = known[c]
    names = sorted(series)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            common = series[a].keys() & series[b].keys()
            # enough evidence: equal in 10+ shared cells taking 5+ different values (rounded
            # counts are often equal by chance: 10 and 15 are common values)
            if len(common) >= 10 and all(series[a][k] == series[b][k] for k in common) \
                    and len({series[a][k] for k in common}) >= 5:
                for key in set(keys_of[a]) | set(keys_of[b]):
                    ca, cb = Cell(a[0], a[1], *key, a[2]), Cell(b[0], b[1], *key, b[2])
                    if ca in cells and cb in cells:
                        relations.append((ca, [cb]))

    # shares of one whole: ids with a common stem (EOL-02-*) whose numerators add up to the
    # denominator; a share with no row in a cell counts 0 there
    stems = defaultdict(set)
    for c in cells:
        if c.table == "indicator_values" and c.indicator_id.count("-") >= 2:
            stems["-".join(c.indicator_id.split("-")[:2])].add(c.indicator_id)
    for members in stems.values():
        if len(members) < 2:
            continue
        keys = {(c.period, c.area_type, c.area_code, c.breakdown, c.breakdown_value)
                for c in cells if c.indicator_id in members}
        for key in keys:
            parts = [Cell("indicator_values", m, *key, "numerator") for m in sorted(members)]
            total = next((Cell("indicator_values", m, *key, "denominator") for m in sorted(members)
                          if Cell("indicator_values", m, *key, "denominator") in cells), None)
            parts = [p for p in parts if p in cells]
            if total is not None and len(parts) >= 2:
                relations.append((total, parts))

    # monthly counts adding up to an annual numerator: tried against every indicator at ICS level
    monthly = defaultdict(list)
    for c in cells:
        if c.table == "monthly_activity":
            row = cells[c]
            monthly[(c.indicator_id, row["financial_year"], c.area_type, c.area_code)].append(c)
    annual = {(c.indicator_id, c.period, c.area_type, c.area_code): c for c in cells
              if c.table == "indicator_values" and c.breakdown == "all" and c.kind == "numerator"}
    indicators = {c.indicator_id for c in cells if c.table == "indicator_values"}
    for series_id in {k[0] for k in monthly}:
        for indicator in indicators:
            sums = [(annual.get((indicator, fy, at, ac)), months)
                    for (s, fy, at, ac), months in monthly.items() if s == series_id]
            checked = [(t, ms) for t, ms in sums if t is not None and t in known
                       and all(m in known for m in ms)]
            if len(checked) >= 3 and all(known[t] == sum(known[m] for m in ms) for t, ms in checked):
                relations += [(t, ms) for t, ms in sums if t is not None]
    return relations


# -- 3. subtraction closure ----------------------------------------------------------------------

def _close_relations(relations, known: dict[Cell, float]) -> dict[Cell, float]:
    """Solve every relation left with one unknown, until none is (a worklist over the cells)."""
    known = dict(known)
    solved = {}
    containing = defaultdict(list)
    for index, (total, parts) in enumerate(relations):
        for member in (total, *parts):
            containing[member].append(index)
    queue = list(range(len(relations)))
    while queue:
        total, parts = relations[queue.pop()]
        unknown = [m for m in (total, *parts) if m not in known]
        if len(unknown) != 1:
            continue
        target = unknown[0]
        rest = sum(known[p] for p in parts if p != target)
        known[target] = solved[target] = (known[total] - rest) if target != total else rest
        queue.extend(containing[target])
    return solved


def attack(path, suppress_max: int = 7, base: int = 5) -> AttackResult:
    rows, place_of = _read(path)
    result = AttackResult()
    exact, naive = {}, {}
    for row in rows:
        x, d = invert(row) if row["value_type"] != "count" else (None, None)
        for kind, inverted in (("numerator", x), ("denominator", d)):
            if kind == "denominator" and row["value_type"] == "count":
                continue
            c = _cell(row, kind)
            published = row[kind]
            if published is None:
                result.hidden.add(c)
                continue
            naive[c] = published
            if 1 <= published <= suppress_max:
                result.published_small_counts.append((c, published))
            if published % base:
                result.published_off_base.append((c, published))
            if inverted is not None:
                exact[c] = inverted
                result.exact_from_identities[c] = inverted
            elif published == 0:
                exact[c] = 0
    relations = find_relations(rows, place_of, exact)
    seen = {(t, tuple(p)) for t, p in relations}
    relations += [(t, p) for t, p in find_relations(rows, place_of, naive) if (t, tuple(p)) not in seen]
    result.relations = len(relations)
    result.solved_exact = {c: v for c, v in _close_relations(relations, exact).items()
                           if c in result.hidden}
    result.solved_naive = {c: v for c, v in _close_relations(relations, naive).items()
                           if c in result.hidden}
    return result


def truth(path) -> dict[Cell, float]:
    """The exact counts (from marts) behind every published cell, to judge the attack."""
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute("""
            select 'indicator_values' as table_name, indicator_id, period, area_type, area_code,
                   breakdown, breakdown_value, numerator, denominator from marts.fct_indicator_values
            union all
            select 'monthly_activity', indicator_id, period, area_type, area_code, breakdown,
                   breakdown_value, numerator, denominator from marts.fct_monthly_activity""").df()
    out = {}
    for row in frame.to_dict("records"):
        for kind in KINDS:
            value = row[kind]
            if value is not None and not (isinstance(value, float) and np.isnan(value)):
                out[_cell(row, kind)] = float(value)
    return out


def summary(result: AttackResult, exact_counts: dict[Cell, float], suppress_max: int = 7) -> dict:
    """What the attack got right: hidden cells recovered exactly, and those that are 1-7."""
    def right(solved):
        return {c: v for c, v in solved.items() if c in exact_counts and _close(v, exact_counts[c])}

    revealed = sum(1 for c, v in result.exact_from_identities.items()
                   if c in exact_counts and _close(v, exact_counts[c]) and v % 5)
    recovered = right(result.solved_exact) | right(result.solved_naive)
    return {
        "hidden_cells": len(result.hidden),
        "relations": result.relations,
        "exact_counts_from_value_and_limits": revealed,
        "hidden_solved_from_exact_counts": len(result.solved_exact),
        "hidden_recovered_exactly": len(recovered),
        "hidden_recovered_1_to_7": sum(1 <= v <= suppress_max for v in recovered.values()),
        "hidden_solved_naively": len(result.solved_naive),
        "published_counts_1_to_7": len(result.published_small_counts),
        "published_counts_off_base": len(result.published_off_base),
    }


if __name__ == "__main__":
    import json
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else "data/warehouse.duckdb"
    print(json.dumps(summary(attack(target), truth(target)), indent=2))

"""The additive relations among published counts: every way a reader could add or subtract them.

Each published row has up to two counts (its numerator and, except for monthly counts, its
denominator), numbered `2 * row + kind` (KIND_NUMERATOR, KIND_DENOMINATOR). A relation says that
one count is the sum of others (`total = sum(parts)`; a pair with one part says two counts are the
same count). They come from metadata and from the figures, never from a hand-written list:

- breakdown: the values of each breakdown (with `Unknown`) add up to the area's `all` row;
- area: local authorities add up to their place (ref_ics_places) and places to the ICS (people
  with no known residence count in the ICS only, so an ICS count can exceed its places' sum: the
  relation's `residual`);
- partition: indicators whose meta names the same `partition_of` split one denominator (the five
  place-of-death shares): their numerators add up to it, and they share it;
- months: a monthly series whose meta says `sums_to` adds up, over a financial year, to that
  indicator's count in the period of the same label (a financial year: other period types have
  labels of their own, docs/methods.md#time-periods, so their periods are never totals of months);
- same_count: two indicators' counts that are equal in every cell they share (one indicator's
  numerator is another's denominator, or two indicators share a cohort) are one count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

KIND_NUMERATOR, KIND_DENOMINATOR = 0, 1
KINDS = {"numerator": KIND_NUMERATOR, "denominator": KIND_DENOMINATOR}
KEY = ["table_name", "indicator_id", "period", "area_type", "area_code", "breakdown",
       "breakdown_value"]
# two count series are taken as one count when equal in at least this many shared cells (and all)
SAME_COUNT_MIN_CELLS = 2


@dataclass(frozen=True)
class Relation:
    total: int
    parts: tuple[int, ...]
    kind: str  # breakdown | area | partition | months | same_count
    # total - sum(parts) in the exact counts: not 0 where some of the total is in no published
    # part (people with no known residence count in the ICS only). Never published: the audit
    # (suppression rule 3) treats it as an unknown; rule 2 does not count on it.
    residual: float = 0.0

    @property
    def members(self) -> tuple[int, ...]:
        return (self.total, *self.parts)


def count_id(row: int, kind: int) -> int:
    return 2 * row + kind


def count_values(cells: pd.DataFrame) -> np.ndarray:
    """The exact value of every count id (NaN where a row has no such count)."""
    values = np.full(2 * len(cells), np.nan)
    values[0::2] = cells["numerator"].to_numpy(dtype=float, na_value=np.nan)
    values[1::2] = cells["denominator"].to_numpy(dtype=float, na_value=np.nan)
    return values


def find_relations(cells: pd.DataFrame, place_of: dict[str, str],
                   partition_of: dict[str, str], sums_to: dict[str, tuple[str, str]]) -> list[Relation]:
    """`cells`: one row per published row (KEY columns, numerator, denominator, and for monthly
    rows financial_year), indexed 0..n-1. `place_of`: local authority code -> place code.
    `partition_of`: indicator id -> the whole it is a share of. `sums_to`: monthly series id ->
    (indicator id, 'numerator' | 'denominator') its months add up to over a financial year."""
    values = count_values(cells)
    has = ~np.isnan(values)
    records = list(cells[KEY].itertuples(index=False, name=None))
    rows = {key: i for i, key in enumerate(records)}
    relations: list[Relation] = []

    def add(total_row: int | None, part_rows: list[int], kind_name: str, kinds=(0, 1)) -> None:
        if total_row is None or not part_rows:
            return
        for kind in kinds:
            total = count_id(total_row, kind)
            parts = tuple(count_id(r, kind) for r in part_rows if has[count_id(r, kind)])
            if has[total] and parts:
                residual = values[total] - sum(values[p] for p in parts)
                relations.append(Relation(total, parts, kind_name, float(residual)))

    ics_codes = {r[4] for r in records if r[3] == "ics"}

    breakdowns, areas = defaultdict(list), defaultdict(list)
    for i, (table, ind, period, area_type, area_code, breakdown, value) in enumerate(records):
        if breakdown != "all":
            breakdowns[(table, ind, period, area_type, area_code, "all", "All", breakdown)].append(i)
        if area_type == "local_authority" and area_code in place_of:
            areas[(table, ind, period, "place", place_of[area_code], breakdown, value)].append(i)
        elif area_type == "place":
            for ics in ics_codes:
                areas[(table, ind, period, "ics", ics, breakdown, value)].append(i)
    for key, parts in breakdowns.items():
        add(rows.get(key[:-1]), parts, "breakdown")
    for key, parts in areas.items():
        add(rows.get(key), parts, "area")

    shares = defaultdict(list)
    for i, (table, ind, *rest) in enumerate(records):
        if table == "indicator_values" and ind in partition_of:
            shares[(partition_of[ind], *rest)].append(i)
    for members in shares.values():
        whole = count_id(members[0], KIND_DENOMINATOR)
        parts = tuple(count_id(r, KIND_NUMERATOR) for r in members)
        residual = values[whole] - sum(values[p] for p in parts)
        relations.append(Relation(whole, parts, "partition", float(residual)))
        relations += [Relation(whole, (count_id(r, KIND_DENOMINATOR),), "same_count")
                      for r in members[1:]]

    if "financial_year" in cells:
        years = cells["financial_year"].tolist()
        months = defaultdict(list)
        for i, (table, series, _, area_type, area_code, breakdown, value) in enumerate(records):
            if table == "monthly_activity" and series in sums_to and years[i] is not None:
                months[(series, years[i], area_type, area_code, breakdown, value)].append(i)
        for (series, year, *area), parts in months.items():
            indicator, kind = sums_to[series]
            add(rows.get(("indicator_values", indicator, year, *area)), parts, "months",
                kinds=(KINDS[kind],))
            # (a numerator's months: the series has numerators only)

    relations += _same_counts(cells, values)
    return relations


def _same_counts(cells: pd.DataFrame, values: np.ndarray) -> list[Relation]:
    """Pairs of indicator count series equal in every cell they share: one count, twice."""
    frame = cells[KEY].copy()
    frame["row"] = np.arange(len(cells))
    long = pd.concat([frame.assign(kind=kind, value=values[kind::2]) for kind in (0, 1)])
    long = long[long["table_name"].eq("indicator_values") & long["value"].notna()]
    with duckdb.connect() as con:
        con.register("counts", long)
        pairs = con.execute(f"""
            with joined as (
                select a.indicator_id as a_id, a.kind as a_kind, b.indicator_id as b_id,
                       b.kind as b_kind, a.row as a_row, b.row as b_row, a.value = b.value as same,
                       a.value as value
                from counts as a
                join counts as b using (period, area_type, area_code, breakdown, breakdown_value)
                where (a.indicator_id, a.kind) < (b.indicator_id, b.kind)
            ),
            series as (
                select a_id, a_kind, b_id, b_kind
                from joined
                group by all
                having bool_and(same) and count(*) >= {SAME_COUNT_MIN_CELLS} and max(value) > 0
            )
            select joined.a_row, joined.a_kind, joined.b_row, joined.b_kind
            from joined join series using (a_id, a_kind, b_id, b_kind)
            order by 1, 2, 3, 4""").fetchall()
    return [Relation(count_id(a, ak), (count_id(b, bk),), "same_count") for a, ak, b, bk in pairs]

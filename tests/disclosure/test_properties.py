"""Property tests of disclosure control on small random tables with the real area hierarchy
(ref_ics_places): whatever the counts, no published count is 1-7 and the linear attack recovers
no withheld count."""

from __future__ import annotations

import csv
import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.config import REFERENCE_SEEDS_DIR
from pipelines.disclosure import control, load_policy
from pipelines.disclosure.relations import KEY, count_values, find_relations

with open(REFERENCE_SEEDS_DIR / "ref_ics_places.csv") as seed:
    PLACES = [(row["lad19cd"], row["place_code"]) for row in csv.DictReader(seed)]
PLACE_OF = dict(PLACES)
ICS = "E54000060"
SEXES = ["Female", "Male", "Unknown"]
# every area type with breakdowns: the richest structure of relations the policy may publish
POLICY = replace(load_policy(), breakdown_area_types=("ics", "place", "local_authority"))


def table(draw_counts, value_type: str) -> pd.DataFrame:
    """One indicator and period: LA x sex cells of (numerator, denominator) added up to places,
    the ICS and `all` rows exactly as the indicator engine does."""
    leaves = {(la, sex): draw_counts() for la, _ in PLACES for sex in SEXES}
    rows = []
    areas = [("local_authority", la, [la]) for la, _ in PLACES]
    areas += [("place", p, [la for la, q in PLACES if q == p]) for p in sorted(set(PLACE_OF.values()))]
    areas += [("ics", ICS, [la for la, _ in PLACES])]
    for area_type, code, las in areas:
        for breakdown, values in (("all", ["All"]), ("sex", SEXES)):
            for value in values:
                sexes = SEXES if value == "All" else [value]
                n = sum(leaves[(la, s)][0] for la in las for s in sexes)
                d = sum(leaves[(la, s)][1] for la in las for s in sexes)
                if d > 0:
                    rows.append(dict(table_name="indicator_values", indicator_id="X-01",
                                     period="2020/21", area_type=area_type, area_code=code,
                                     breakdown=breakdown, breakdown_value=value, numerator=n,
                                     denominator=d, value_type=value_type, financial_year=None))
    return pd.DataFrame(rows, columns=KEY + ["numerator", "denominator", "value_type",
                                             "financial_year"])


def small_counts(draw):
    def one():
        d = draw(st.integers(0, 40))
        return (draw(st.integers(0, d)), d)
    return one


def determined(cells: pd.DataFrame, decisions: pd.DataFrame) -> list[int]:
    """Withheld counts that the table's exact relations determine (the linear attack's ceiling),
    among the rows that are published at all."""
    cells = cells.merge(decisions[KEY], on=KEY).sort_values(KEY, kind="stable").reset_index(drop=True)
    decided = cells[KEY].merge(decisions, on=KEY, how="left")
    hidden = np.zeros(2 * len(cells), dtype=bool)
    hidden[0::2] = decided["numerator_status"].notna()
    hidden[1::2] = decided["denominator_status"].notna()
    relations = find_relations(cells, PLACE_OF, {}, {})
    values = count_values(cells)
    columns = np.flatnonzero(hidden)
    if not columns.size:
        return []
    rows = []
    for relation in relations:
        if relation.residual:
            continue
        row = np.zeros(columns.size)
        for member, sign in ((relation.total, -1.0), *((p, 1.0) for p in relation.parts)):
            if hidden[member]:
                row[np.searchsorted(columns, member)] += sign
        rows.append(row)
    if not rows:
        return []
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    basis = vt[singular > 1e-9]
    return [int(c) for c, p in zip(columns, (basis ** 2).sum(axis=0), strict=True)
            if p > 1 - 1e-8 and values[c] > 0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value_type=st.sampled_from(["proportion", "crude_rate"]))
def test_nothing_published_is_small_and_nothing_withheld_is_determined(data, value_type):
    cells = table(small_counts(data.draw), value_type)
    decisions = control(cells, POLICY, PLACE_OF)
    published = cells.merge(decisions, on=KEY)
    shown_n = published.loc[published["numerator_status"].isna(), "numerator"]
    shown_d = published.loc[published["denominator_status"].isna(), "denominator"]
    for shown in (shown_n, shown_d):
        assert not shown.between(POLICY.suppress_min, POLICY.suppress_max).any()
    # a small denominator takes its numerator with it; a zero is never withheld
    small_d = published["denominator"].between(POLICY.suppress_min, POLICY.suppress_max)
    assert published.loc[small_d & published["numerator"].gt(0), "numerator_status"].notna().all()
    assert published.loc[published["numerator"].eq(0), "numerator_status"].isna().all()
    assert determined(cells, decisions) == []


def test_a_single_small_cell_is_protected_by_a_non_zero_complement():
    counts = iter(itertools.chain([(3, 20)], itertools.repeat((12, 40))))
    cells = table(lambda: next(counts), "proportion")
    decisions = cells[KEY].merge(control(cells, POLICY, PLACE_OF), on=KEY)
    merged = cells.merge(decisions, on=KEY)
    secondary = merged[merged["numerator_status"].eq("secondary")]
    assert len(secondary) >= 2  # in the LA's sex breakdown and in its place's LAs
    assert secondary["numerator"].gt(0).all()
    assert determined(cells, decisions) == []


def test_linked_counts_share_their_fate():
    """One indicator's numerator that is another's denominator is withheld in both or neither."""
    counts = iter(itertools.cycle([(5, 50), (9, 40), (30, 60), (12, 14)]))
    a = table(lambda: next(counts), "proportion")
    b = a.assign(indicator_id="X-02", denominator=a["numerator"], numerator=a["numerator"] // 3)
    cells = pd.concat([a, b[b["denominator"] > 0]], ignore_index=True)
    decisions = cells.merge(control(cells, POLICY, PLACE_OF), on=KEY)
    x01 = decisions[decisions["indicator_id"].eq("X-01")].set_index(KEY[2:])
    x02 = decisions[decisions["indicator_id"].eq("X-02")].set_index(KEY[2:])
    linked = x01.join(x02, lsuffix="_a", rsuffix="_b", how="inner")
    assert len(linked) > 10 and linked["numerator_status_a"].notna().any()
    assert (linked["numerator_status_a"].isna() == linked["denominator_status_b"].isna()).all()

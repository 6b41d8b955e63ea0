"""SII and RII reproduce PHEindicatormethods' phe_sii expected values: point SII, RII and intercept
to 1e-14 relative (measured: 8e-15 at worst, 2e-15 with a transform), simulated limits within 2%
(docs/methods.md#inequality-measures; tests/fixtures/phe_methods)."""

from pathlib import Path

import pandas as pd
import pytest

from pipelines.statistics.inequality import (
    LIMIT_FLOORED,
    QUINTILE_MISSING,
    QUINTILE_SMALL,
    TRANSFORM_UNDEFINED,
    inequality_summary,
    sii,
)

PHE = Path(__file__).parent.parent / "fixtures" / "phe_methods" / "testdata_SII__testdata_SII.csv"

# First record of each PHE test block, and the options PHE's testSII.R passes (value_type 1 =
# rate, 2 = proportion; transform = log or logit).
RATE, PROPORTION, LOG, LOGIT = ({"value_type": 1}, {"value_type": 2},
                                {"value_type": 1, "transform": True},
                                {"value_type": 2, "transform": True})
CASES = {
    1: {},                                   # default (e.g. life expectancy)
    21: {"confidence": (0.99,)},             # 99% limits
    61: {},                                  # quintiles rather than deciles
    71: RATE,                                # rate, default parameters
    91: PROPORTION,                          # proportion, default parameters
    111: PROPORTION | {"multiplier": 100},
    131: PROPORTION | {"multiplier": -100},  # reversed direction: SII sign flips, RII inverts
    226: {"confidence": (0.95, 0.99)},       # two confidence levels
    246: {},                                 # with the intercept
    266: RATE,                               # rate with the intercept
    286: RATE,                               # (PHE runs its "proportion intercept" as a rate)
    306: LOG,                                # log transform
    386: LOG | {"multiplier": -1},
    406: LOG | {"confidence": (0.98,)},
    366: LOG | {"confidence": (0.95, 0.98)},
    426: LOG,                                # (no RII expected)
    326: LOGIT,                              # logit transform
    346: LOGIT | {"multiplier": -1},
    466: LOGIT | {"confidence": (0.98,)},
    486: LOGIT | {"confidence": (0.95, 0.98)},
    446: LOGIT,                              # (no RII expected)
}


def phe_blocks():
    table = pd.read_csv(PHE)
    for first, options in CASES.items():
        description = table.loc[table["RecordNo"] == first, "TestDescription"].iloc[0]
        block = table[table["TestDescription"] == description]
        for area, rows in block.groupby("Area"):
            yield pytest.param(rows.sort_values("Quantile"), options, id=f"{first}-{area}")


@pytest.mark.parametrize(("rows", "options"), list(phe_blocks()))
def test_sii_and_rii_match_phe(rows, options):
    result = sii(rows["Value"], rows["Population"], rows["LowerCL"], rows["UpperCL"],
                 repetitions=1_000_000, seed=20240501, **options)
    expected = rows.iloc[0]
    assert result.sii == pytest.approx(expected["sii"], rel=1e-14, abs=0)
    if pd.notna(expected["rii"]):
        assert result.rii == pytest.approx(expected["rii"], rel=1e-14, abs=0)
    if pd.notna(expected["Intercept"]):
        assert result.intercept == pytest.approx(expected["Intercept"], rel=1e-14, abs=0)
    for suffix, level in zip(("_1", "_2"), options.get("confidence", (0.95,)), strict=False):
        if pd.isna(expected[f"sii_lowercl{suffix}"]):
            continue  # PHE's quintile block checks the point values only
        low, high = result.sii_limits[level]
        assert low == pytest.approx(expected[f"sii_lowercl{suffix}"], rel=0.02)
        assert high == pytest.approx(expected[f"sii_uppercl{suffix}"], rel=0.02)
        if pd.isna(expected[f"rii_lowercl{suffix}"]):
            continue
        low, high = result.rii_limits[level]
        assert low == pytest.approx(expected[f"rii_lowercl{suffix}"], rel=0.02)
        assert high == pytest.approx(expected[f"rii_uppercl{suffix}"], rel=0.02)


def _cells(values, denominators=(100, 100, 100, 100, 100), area="E1", value_type="proportion"):
    """Quintile cells and the total of one indicator, period and area (per 100, limits +-5)."""
    def cell(breakdown, label, v, d, limits=True):
        return {"indicator_id": "X", "period": "2020/21", "area_type": "place", "area_code": area,
                "breakdown": breakdown, "breakdown_value": label, "numerator": v, "denominator": d,
                "value": v * 100 / d if limits else None,
                "lower_ci95": max(v * 100 / d - 5, 0) if limits else None,
                "upper_ci95": v * 100 / d + 5 if limits else None,
                "value_type": value_type, "multiplier": 100.0}
    return pd.DataFrame([cell("imd_quintile", str(q), v, d) for q, (v, d) in
                         enumerate(zip(values, denominators, strict=True), start=1)]
                        + [cell("all", "All", sum(values), sum(denominators), limits=False)])


def test_summary_gap_ratio_and_core20_share_from_the_quintile_cells():
    summary = inequality_summary(_cells([40, 30, 25, 20, 10]), repetitions=2_000).iloc[0]
    assert summary["q1_value"] == 40 and summary["q5_value"] == 10
    assert summary["gap_q1_q5"] == 30 and summary["ratio_q1_q5"] == 4
    assert summary["core20_share"] == pytest.approx(40 / 125)
    assert summary["core20_population_share"] == pytest.approx(0.2)
    assert pd.isna(summary["sii_withheld"])


@pytest.mark.parametrize("value_type", ["proportion", "crude_rate"])
def test_gap_ratio_sii_and_rii_share_one_sign_convention(value_type):
    """One gradient, higher in the more deprived: every measure says so the same way - gap and
    SII positive, ratio and RII above 1 (most deprived compared with least deprived)."""
    summary = inequality_summary(_cells([40, 30, 25, 20, 10], value_type=value_type),
                                 repetitions=2_000).iloc[0]
    assert summary["gap_q1_q5"] > 0 and summary["sii"] > 0
    assert summary["ratio_q1_q5"] > 1 and summary["rii"] > 1
    assert summary["sii_lower_ci95"] > 0 and summary["rii_lower_ci95"] > 1
    # and the reverse gradient reverses all four
    reverse = inequality_summary(_cells([10, 20, 25, 30, 40], value_type=value_type),
                                 repetitions=2_000).iloc[0]
    assert reverse["gap_q1_q5"] < 0 and reverse["sii"] < 0
    assert reverse["ratio_q1_q5"] < 1 and reverse["rii"] < 1


def test_summary_sii_is_phes_transformed_sii_of_the_most_deprived_against_the_least():
    """Proportions on the logit scale as fractions of 1, multiplier -100 (percentage points,
    most deprived minus least deprived); RII the ratio of the modelled ends."""
    cells = _cells([40, 30, 25, 20, 10])
    summary = inequality_summary(cells, repetitions=2_000).iloc[0]
    q = cells[cells["breakdown"] == "imd_quintile"]
    phe = sii(q["value"] / 100, q["denominator"], q["lower_ci95"] / 100, q["upper_ci95"] / 100,
              value_type=2, transform=True, multiplier=-100, repetitions=2_000)
    assert summary["sii"] == phe.sii and summary["rii"] == phe.rii
    assert phe.sii == pytest.approx(phe.intercept - phe.intercept / phe.rii, rel=1e-12)


def test_no_sii_without_all_five_quintiles_and_the_same_draws_on_every_run():
    four = _cells([40, 30, 25, 20, 10])
    four = four[four["breakdown_value"] != "3"]
    summary = inequality_summary(four, repetitions=500).iloc[0]
    assert pd.isna(summary["sii"]) and summary["sii_withheld"] == QUINTILE_MISSING
    once, again = (inequality_summary(_cells([40, 30, 25, 20, 10]), repetitions=500)
                   for _ in range(2))
    pd.testing.assert_frame_equal(once, again)


def test_sii_withheld_with_its_reason_for_a_near_empty_quintile_or_an_undefined_transform():
    small = inequality_summary(_cells([40, 30, 25, 20, 1], denominators=(100, 100, 100, 100, 4)),
                               repetitions=500, min_quintile_share=0.05).iloc[0]
    assert pd.isna(small["sii"]) and small["sii_withheld"] == QUINTILE_SMALL
    assert small["gap_q1_q5"] == 15  # the quintile values themselves are still given
    kept = inequality_summary(_cells([40, 30, 25, 20, 1], denominators=(100, 100, 100, 100, 4)),
                              repetitions=500, min_quintile_share=0.005).iloc[0]
    assert pd.notna(kept["sii"])
    no_events = inequality_summary(_cells([40, 30, 25, 20, 0]), repetitions=500).iloc[0]
    assert pd.isna(no_events["sii"]) and no_events["sii_withheld"] == TRANSFORM_UNDEFINED


def test_a_repeat_event_quintile_with_events_and_a_floored_lower_limit_is_not_said_to_have_none():
    """Non-independent events (A3-04, CH-01): 3 ED attendances, all one decedent's, of 2 decedents
    give 150 per 100 with limits 0 (floored) to 649.46 (the A3-04 unit test). The quintile has
    events, so the reason is the floored limit, not transform_undefined; a quintile at 0 is."""
    cells = _cells([40, 30, 25, 20, 10], value_type="crude_rate")
    floored = cells["breakdown_value"] == "5"
    cells.loc[floored, ["numerator", "denominator", "value", "lower_ci95", "upper_ci95"]] = \
        [3, 2, 150.0, 0.0, 649.4604988958714]
    summary = inequality_summary(cells, repetitions=500).iloc[0]
    assert pd.isna(summary["sii"]) and summary["sii_withheld"] == LIMIT_FLOORED
    assert summary["q5_value"] == 150.0
    cells.loc[floored, ["numerator", "value", "lower_ci95"]] = [0, 0.0, 0.0]
    none = inequality_summary(cells, repetitions=500).iloc[0]
    assert none["sii_withheld"] == TRANSFORM_UNDEFINED


def test_a_group_whose_cells_and_method_are_unchanged_keeps_its_earlier_row():
    """The summary of a refresh takes over the earlier row of a group with the same input digest
    (shown here by a planted value it keeps), and computes again any group whose cells, or the
    method's parameters, changed; with a genuine earlier summary the result is the fresh one."""
    values = pd.concat([_cells([40, 30, 25, 20, 10], area="E1"),
                        _cells([35, 30, 25, 20, 15], area="E2")], ignore_index=True)
    fresh = inequality_summary(values, repetitions=500)
    assert fresh["input_digest"].notna().all() and fresh["input_digest"].nunique() == 2
    pd.testing.assert_frame_equal(inequality_summary(values, repetitions=500, previous=fresh), fresh)

    planted = fresh.copy()
    planted["sii"] = [111.0, 222.0]
    changed = values.copy()
    e2_q3 = (changed["area_code"] == "E2") & (changed["breakdown_value"] == "3")
    changed.loc[e2_q3, "upper_ci95"] += 1e-9  # one limit of one cell of E2, by a hair
    again = inequality_summary(changed, repetitions=500, previous=planted).set_index("area_code")
    assert again.loc["E1", "sii"] == 111.0  # taken over as it was
    assert again.loc["E2", "sii"] == fresh.set_index("area_code").loc["E2", "sii"]  # computed
    assert again.loc["E2", "input_digest"] != fresh.set_index("area_code").loc["E2", "input_digest"]

    # a text column, and a value that goes missing, count as much as a number
    for row, column, changed_to in (("All", "value_type", "crude_rate"), ("3", "upper_ci95", None)):
        changed = values.copy()
        changed.loc[(changed["area_code"] == "E1") & (changed["breakdown_value"] == row), column] = changed_to
        again = inequality_summary(changed, repetitions=500, previous=planted).set_index("area_code")
        assert again.loc["E1", "sii"] != 111.0 and again.loc["E2", "sii"] == 222.0, column

    for method in ({"repetitions": 501}, {"repetitions": 500, "min_quintile_share": 0.01}):
        other = inequality_summary(values, previous=planted, **method)
        assert not other["sii"].isin([111.0, 222.0]).any(), method

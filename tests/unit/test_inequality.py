"""SII and RII reproduce PHEindicatormethods' phe_sii expected values: point values to 1e-9
relative, simulated limits within 2% (docs/methods.md#confidence-limits; tests/fixtures/phe_methods)."""

from pathlib import Path

import pandas as pd
import pytest

from pipelines.statistics.inequality import inequality_summary, sii

PHE = Path(__file__).parent.parent / "fixtures" / "phe_methods" / "testdata_SII__testdata_SII.csv"

# First record of each PHE test block without a transform, and the options PHE's testSII.R passes.
CASES = {
    1: {},                                   # default (e.g. life expectancy)
    21: {"confidence": (0.99,)},             # 99% limits
    61: {},                                  # quintiles rather than deciles
    71: {},                                  # rate, default parameters
    91: {},                                  # proportion, default parameters
    111: {"multiplier": 100},
    131: {"multiplier": -100},               # reversed direction: SII sign flips, RII inverts
    226: {"confidence": (0.95, 0.99)},       # two confidence levels
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
    assert result.sii == pytest.approx(expected["sii"], rel=1e-9)
    assert result.rii == pytest.approx(expected["rii"], rel=1e-9)
    for suffix, level in zip(("_1", "_2"), options.get("confidence", (0.95,)), strict=False):
        if pd.isna(expected[f"sii_lowercl{suffix}"]):
            continue  # PHE's quintile block checks the point values only
        low, high = result.sii_limits[level]
        assert low == pytest.approx(expected[f"sii_lowercl{suffix}"], rel=0.02)
        assert high == pytest.approx(expected[f"sii_uppercl{suffix}"], rel=0.02)
        low, high = result.rii_limits[level]
        assert low == pytest.approx(expected[f"rii_lowercl{suffix}"], rel=0.02)
        assert high == pytest.approx(expected[f"rii_uppercl{suffix}"], rel=0.02)


def _cells(values, denominators=(100, 100, 100, 100, 100), area="E1"):
    return pd.DataFrame([
        {"indicator_id": "X", "period": "2020/21", "area_type": "place", "area_code": area,
         "breakdown": "imd_quintile", "breakdown_value": str(q), "numerator": v,
         "denominator": d, "value": v * 100 / d, "lower_ci95": v * 100 / d - 5,
         "upper_ci95": v * 100 / d + 5, "value_type": "proportion"}
        for q, (v, d) in enumerate(zip(values, denominators, strict=True), start=1)
    ] + [{"indicator_id": "X", "period": "2020/21", "area_type": "place", "area_code": area,
          "breakdown": "all", "breakdown_value": "All", "numerator": sum(values),
          "denominator": sum(denominators), "value": None, "lower_ci95": None,
          "upper_ci95": None, "value_type": "proportion"}])


def test_summary_gap_ratio_and_core20_share_from_the_quintile_cells():
    summary = inequality_summary(_cells([40, 30, 25, 20, 10]), repetitions=2_000).iloc[0]
    assert summary["q1_value"] == 40 and summary["q5_value"] == 10
    assert summary["gap_q1_q5"] == 30 and summary["ratio_q1_q5"] == 4
    assert summary["core20_share"] == pytest.approx(40 / 125)
    assert summary["core20_population_share"] == pytest.approx(0.2)
    assert summary["sii"] < 0 < summary["rii"] < 1  # higher in the most deprived fifth


def test_no_sii_without_all_five_quintiles_and_the_same_draws_on_every_run():
    four = _cells([40, 30, 25, 20, 10])
    four = four[four["breakdown_value"] != "3"]
    assert pd.isna(inequality_summary(four, repetitions=500).iloc[0]["sii"])
    once, again = (inequality_summary(_cells([40, 30, 25, 20, 10]), repetitions=500)
                   for _ in range(2))
    pd.testing.assert_frame_equal(once, again)

"""The default demo (120,000 people, six financial years) through the real ingestion and dbt build:
every indicator for every year, values near the generator's calibration targets, and a disclosure
scan of the whole published schema. The slowest test module (about two and a half minutes)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipelines.synthetic.calibration import load_calibration
from tests.conftest import land_and_summarise, settings_for
from tests.dbt.test_build import registry

YEARS = {"2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"}
# the periods of each period type in six years from April 2019 (docs/methods.md#time-periods)
PERIODS = {"financial_year": YEARS,
           "academic_year": {f"{y}/{(y + 1) % 100:02d} school year" for y in range(2019, 2024)},
           "calendar_years_pooled_3": {"2020-2022", "2021-2023", "2022-2024"}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from pipelines.synthetic.generate import generate
    from pipelines.warehouse.dbt import build_warehouse

    settings = settings_for(tmp_path_factory.mktemp("demo"))
    settings.ensure_dirs()
    generate(settings.landing_dir)
    land_and_summarise(settings)
    build_warehouse(settings)
    yield settings
    shutil.rmtree(settings.data_dir, ignore_errors=True)


def query(settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_indicator_is_in_the_marts_for_every_period_of_its_type(demo):
    indicators = registry(demo)
    rows = query(demo, "select indicator_id, period, breakdown from marts.fct_indicator_values "
                       "where area_type = 'ics' group by all")
    for indicator_id, meta in indicators.items():
        assert {r[1] for r in rows if r[0] == indicator_id} == PERIODS[meta["period_type"]], indicator_id
        assert {r[2] for r in rows if r[0] == indicator_id} == set(meta["breakdowns"]), indicator_id


def ics_value(settings, indicator_id: str, column: str = "value", period: str | None = None,
              table: str = "marts.fct_indicator_values", area: str = "ics") -> float:
    """The mean over the years (or one year's value) at ICS level, all people."""
    where = "breakdown = 'all' and " if table.endswith("indicator_values") else ""
    area_filter = "area_type = 'ics'" if area == "ics" else f"area_code = '{area}'"
    sql = (f"select avg({column}) from {table} where {where}{area_filter} "
           f"and indicator_id = '{indicator_id}'" + (f" and period = '{period}'" if period else ""))
    return query(settings, sql)[0][0]


def standardised_to_england(settings, indicator_id: str) -> float:
    """The mean over the years of the ICS's value standardised to England's deprivation mix: the
    mean of the five national IMD fifths' values, as the generator's check measures NCMP obesity
    (pipelines/synthetic/check_measures.py), whose targets are England's levels."""
    sql = (f"select avg(v) from (select period, avg(value) as v from marts.fct_indicator_values "
           f"where indicator_id = '{indicator_id}' and area_type = 'ics' and breakdown = "
           f"'imd_quintile' and breakdown_value in ('1', '2', '3', '4', '5') group by period "
           f"having count(value) = 5)")
    return query(settings, sql)[0][0]


def test_indicator_values_land_near_the_calibration_targets(demo):
    targets = load_calibration()["targets"]
    summary = "marts.fct_inequality_summary"
    mid_notts = {p: n for p, n in query(demo, "select period, numerator from "
                                              "marts.fct_indicator_values where indicator_id = "
                                              "'A3-03' and area_code = 'mid_notts' and "
                                              "breakdown = 'all'")}
    measured = {
        "adult_smoking_prevalence": ics_value(demo, "A2-01") / 100,
        "smoking_ratio_q1_q5": ics_value(demo, "A2-01", "ratio_q1_q5", table=summary),
        "flu_65plus_uptake": ics_value(demo, "A2-13") / 100,
        "flu_65plus_gap_q5_minus_q1_points": -ics_value(demo, "A2-13", "gap_q1_q5",
                                                        table=summary) / 100,
        # the generator's check counts the register on 31 March 2024
        "palliative_register_prevalence": ics_value(demo, "A3-07", period="2023/24") / 100,
        "reception_obesity": standardised_to_england(demo, "A1-02") / 100,
        "year6_obesity": standardised_to_england(demo, "A1-03") / 100,
        "year6_obesity_ratio_q1_q5": ics_value(demo, "A1-03", "ratio_q1_q5", table=summary),
        "term_low_birth_weight": ics_value(demo, "A1-01") / 100,
        "preferred_place_achieved": ics_value(demo, "EOL-03") / 100,
        "place_of_death_hospital": ics_value(demo, "EOL-02-HOSPITAL") / 100,
        "place_of_death_home": ics_value(demo, "EOL-02-HOME") / 100,
        "place_of_death_care_home": ics_value(demo, "EOL-02-CARE-HOME") / 100,
        "eol_ed_90d_share": ics_value(demo, "A3-03") / 100,
        "three_plus_emergency_admissions_last_90d": ics_value(demo, "A3-05") / 100,
        "mid_notts_eol_ed_change_since_2019_20": mid_notts["2021/22"] / mid_notts["2019/20"] - 1,
    }
    misses = {name: (round(value, 4), targets[name]["value"], targets[name]["tolerance"])
              for name, value in measured.items()
              if abs(value - targets[name]["value"]) > targets[name]["tolerance"]}
    assert not misses, misses


def test_no_published_count_from_1_to_7_and_counts_rounded(demo):
    from tests.dbt.test_build import disclosure_breaches

    assert disclosure_breaches(demo) == {}


def test_the_planted_care_home_programme_is_detected_by_ch01_in_its_place_only(demo):
    """calibration.yml planted_effects: a programme nobody publishes lowers the emergency admissions
    of one place's care-home residents from April 2022. CH-01 as the pipeline publishes it, pooled
    over the three years before and the three after, must show the fall there (a rate ratio whose
    95% interval lies below 0.75) and in no other place (each other place's ratio is above the
    planted place's upper limit)."""
    import math

    effect = load_calibration()["planted_effects"]["care_home_programme"]
    first_year_after = f"{effect['from_month'][:4]}/"  # 2022-04: periods 2022/23 on
    rows = query(demo, "select area_code, period, numerator, denominator from "
                       "marts.fct_indicator_values where indicator_id = 'CH-01' and "
                       "area_type = 'place' and breakdown = 'all'")
    pooled = {}  # place -> [events before, years before, events after, years after]
    for place, period, events, years in rows:
        sums = pooled.setdefault(place, [0, 0.0, 0, 0.0])
        offset = 2 if period >= first_year_after else 0
        sums[offset] += events
        sums[offset + 1] += years
    assert set(pooled) == {"nottingham_city", "south_notts", "mid_notts", "bassetlaw"}

    def rate_ratio(before, before_years, after, after_years):
        ratio = (after / after_years) / (before / before_years)
        spread = 1.96 * math.sqrt(1 / before + 1 / after)
        return ratio, ratio * math.exp(-spread), ratio * math.exp(spread)

    ratios = {place: rate_ratio(*sums) for place, sums in pooled.items()}
    planted, low, high = ratios.pop(effect["place"])
    assert high < 0.75, (planted, low, high)
    assert all(ratio > high for ratio, _, _ in ratios.values()), (high, ratios)

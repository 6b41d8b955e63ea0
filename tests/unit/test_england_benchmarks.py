"""The England benchmark seed against the indicator catalogue and its own [verify] list
(dbt_project/seeds/reference/ref_england_benchmarks.csv; dbt tests its keys and periods)."""

import pandas as pd
import yaml

from pipelines.config import DBT_PROJECT_DIR, REFERENCE_SEEDS_DIR
from pipelines.warehouse.indicators import indicator_models

SEED = REFERENCE_SEEDS_DIR / "ref_england_benchmarks"
BENCHMARKS = pd.read_csv(SEED.with_suffix(".csv"), dtype={"verified": str})
META = {m.meta["id"]: m.meta for m in indicator_models(DBT_PROJECT_DIR)}


def test_every_row_is_a_catalogue_indicator_on_its_scale():
    assert set(BENCHMARKS["indicator_id"]) <= set(META)
    for row in BENCHMARKS.itertuples():
        meta = META[row.indicator_id]
        if meta["value_type"] == "proportion":  # percentages, as fct_indicator_values holds them
            assert meta["multiplier"] == 100 and 0 <= row.value <= 100, row


def test_the_verify_list_names_every_unverified_row_and_only_those():
    description = yaml.safe_load(SEED.with_suffix(".yml").read_text())["seeds"][0]["description"]
    verify_list = " ".join(description.split("[verify]", 1)[1].split())  # as "<id> <period>"
    for row in BENCHMARKS.itertuples():
        assert (f"{row.indicator_id} {row.period}" in verify_list) == (row.verified == "no"), row


def test_a_published_figure_for_another_period_type_says_so():
    periods = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_reporting_periods.csv")
    periods = periods.set_index("period")["period_type"]
    for row in BENCHMARKS.itertuples():
        if periods[row.period] != META[row.indicator_id]["period_type"]:
            assert "the indicator is by" in str(row.note), row

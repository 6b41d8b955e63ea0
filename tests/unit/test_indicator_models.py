"""The indicator models as run_dbt passes them to dbt: read from the YAML beside each model."""

import json

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.warehouse.dbt import dbt_command
from pipelines.warehouse.indicators import indicator_models, indicator_vars


def test_every_indicator_model_sits_in_its_theme_folder_beside_its_yaml():
    models = indicator_models(DBT_PROJECT_DIR)
    assert len(models) >= 45
    for model in models:
        assert model.theme == model.meta["theme"], model.name
        assert (model.yaml_path.parent / f"{model.name}.sql").exists(), model.name


def test_the_var_carries_what_the_unions_and_the_engine_need():
    indicators = indicator_vars(DBT_PROJECT_DIR)["indicators"]
    assert indicators["ind_a3_03_eol_ed_attendance"] == {
        "id": "A3-03", "value_type": "proportion", "multiplier": 100,
        "breakdowns": ["all", "imd_quintile", "sex", "age_band", "ethnicity_group"],
        "period_type": "financial_year",
        "sources": ["civil_registration_deaths", "ecds_attendances", "gp_registrations"],
        "lookback": {"days_var": "eol_lookback_days", "source": "ecds_attendances"}}
    assert indicators["ind_a2_04_under75_mortality_cvd"]["value_type"] == "dsr"
    assert indicators["ind_a2_04_under75_mortality_cvd"]["period_type"] == "calendar_years_pooled_3"
    assert indicators["ind_a1_02_reception_obesity"]["period_type"] == "academic_year"


def test_every_dbt_command_passes_the_indicators_and_keeps_the_callers_vars(tmp_path):
    settings = Settings(data_dir=tmp_path, duckdb_path=tmp_path / "w.duckdb", landing_dir=tmp_path,
                        quarantine_dir=tmp_path, reports_dir=tmp_path, dbt_target="test")
    command = dbt_command(settings, ["build", "--select", "x", "--vars", "{open_periods: 2}"])
    assert command[0] == "build" and command.count("--vars") == 1
    variables = json.loads(command[command.index("--vars") + 1])
    assert variables["open_periods"] == 2 and "ind_a2_07_suicide" in variables["indicators"]
    assert command[-2:] == ["--select", "x"]


def test_the_catalogue_in_docs_is_up_to_date():
    from pipelines.warehouse.catalogue import CATALOGUE, render

    assert CATALOGUE.read_text() == render(), "run: python -m pipelines.warehouse.catalogue"


def test_every_link_into_the_catalogue_or_the_methods_page_lands_on_an_anchor():
    import re

    from pipelines.config import PROJECT_ROOT
    from pipelines.warehouse.catalogue import anchor

    headings = re.findall(r"^#{2,3} (.+)$", (PROJECT_ROOT / "docs" / "methods.md").read_text(),
                          re.MULTILINE)
    anchors = {"indicators.md": {anchor(m.meta["id"]) for m in indicator_models(DBT_PROJECT_DIR)},
               "methods.md": {re.sub(r"[^\w -]", "", h).strip().lower().replace(" ", "-")
                              for h in headings}}
    assert {"value-types", "confidence-limits", "non-independent-events", "inequality-measures",
            "emergency-admissions", "diagnosis-positions", "time-periods",
            "provisional-periods"} <= anchors["methods.md"]
    for path in DBT_PROJECT_DIR.rglob("*"):
        if path.suffix in (".sql", ".yml", ".py") and "target" not in path.parts:
            for doc, target in re.findall(r"docs/(indicators\.md|methods\.md)#([\w-]+)",
                                          path.read_text()):
                assert target in anchors[doc], f"{path.relative_to(PROJECT_ROOT)}: {doc}#{target}"


def test_every_indicator_names_what_it_mirrors_and_lists_departures_as_sentences():
    for model in indicator_models(DBT_PROJECT_DIR):
        meta = model.meta
        assert isinstance(meta.get("mirrors"), str) and meta["mirrors"].strip(), model.name
        departures = meta.get("departures", [])
        assert isinstance(departures, list), model.name
        assert all(isinstance(item, str) and item.strip() for item in departures), model.name


def test_every_period_type_is_a_type_of_the_periods_seed_and_has_words():
    import csv

    from pipelines.warehouse.indicators import PERIOD_TYPES

    with (DBT_PROJECT_DIR / "seeds" / "reference" / "ref_reporting_periods.csv").open() as f:
        seeded = {row["period_type"] for row in csv.DictReader(f)}
    declared = {m.meta["period_type"] for m in indicator_models(DBT_PROJECT_DIR)}
    assert declared <= set(PERIOD_TYPES) <= seeded

# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Add a new indicator, end to end
#
# The steps of `docs/adding-an-indicator.md`, run for real on a **scratch copy** of the dbt project
# and of the warehouse (so running this notebook changes nothing you have). The example adds
# "X-01: people aged 65+ with a structured medication review in the year", from what primary care
# recorded by the year end (`int_gp_status_at_year_end`).
#
# An indicator is two files in the folder of its theme: its SQL and its YAML. To add one for real,
# write the same two files in `dbt_project/models/marts/indicators/<theme>/` and run
# `pophealth build`.

# %%
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipelines.config import DBT_PROJECT_DIR, Settings
from pipelines.warehouse.dbt import run_dbt

WAREHOUSE = Path(os.environ.get("PH_DUCKDB_PATH", "../data/warehouse.duckdb")).resolve()
scratch = Path(tempfile.mkdtemp(prefix="new-indicator-"))
project = scratch / "dbt_project"
shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
(scratch / "data").mkdir()
shutil.copy(WAREHOUSE, scratch / "data" / WAREHOUSE.name)  # same name: DuckDB's catalog name
settings = Settings(data_dir=scratch / "data", duckdb_path=scratch / "data" / WAREHOUSE.name,
                    landing_dir=scratch / "landing", quarantine_dir=scratch / "quarantine",
                    reports_dir=scratch / "reports", dbt_target="dev")
folder = project / "models" / "marts" / "indicators" / "older_people"

# %% [markdown]
# ## 1. The model: one SQL file, built on the engine macro
#
# `indicator_rows` does the counting by area and breakdown and the statistics; the model only says
# who is in the cohort (denominator) and who counts (numerator). `registered_snapshot_rows` gives
# each person registered at the year end, who they are and what primary care recorded (`person.*`:
# their `int_gp_status_at_year_end` row).

# %%
(folder / "ind_x_01_medication_review_65plus.sql").write_text("""\
-- X-01: people aged 65+ with a structured medication review in the year (example indicator).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.structured_medication_review = 1",
        cohort="person.age >= 65") }}
{% endcall %}
""")

# %% [markdown]
# ## 2. Its YAML beside it: description, metadata (the registry the reports read), unit test
#
# The unit test takes the id, value type and multiplier from the metadata and counts the `all`
# breakdown; it reuses the shared year-end people of `dbt_project/tests/fixtures/indicators/`.

# %%
(folder / "ind_x_01_medication_review_65plus.yml").write_text("""\
version: 2

models:
  - name: ind_x_01_medication_review_65plus
    description: People aged 65+ with a structured medication review in the year (example).
    config:
      meta:
        indicator:
          id: X-01
          title: "People aged 65+ with a structured medication review"
          short_title: "Medication reviews 65+"
          aim: 1
          theme: older_people
          numerator: "Registered people aged 65+ with a structured medication review in 12 months"
          denominator: "Registered people aged 65+ on 31 March"
          value_type: proportion
          multiplier: 100
          unit: "%"
          polarity: higher_is_better
          period_type: financial_year
          breakdowns: [all, imd_quintile, sex, age_band, ethnicity_group]
          area_types: [ics, place, local_authority]
          sources: [gp_events, gp_registrations]

unit_tests:
  - name: x_01_medication_reviews_among_people_65_and_over
    model: ind_x_01_medication_review_65plus
    given:
      - input: ref('int_gp_status_at_year_end')
        format: csv
        fixture: year_end_people__int_gp_status_at_year_end
      - input: ref('int_care_home_residents')
        format: csv
        fixture: year_end_people__int_care_home_residents
      - input: ref('int_palliative_register')
        format: csv
        fixture: year_end_people__int_palliative_register
      - input: ref('int_ics_area')
        rows:
          - {area_code: E54000060, area_name: ICB}
    expect:
      rows:
        - {area_type: ics, numerator: 1, denominator: 3}
        - {area_type: place, numerator: 1, denominator: 3}
        - {area_type: local_authority, numerator: 1, denominator: 3}
""")

# %% [markdown]
# ## 3. Build it and what depends on it, with its unit test (nothing else was edited)

# %%
run = run_dbt(settings, ["build", "--select", "ind_x_01_medication_review_65plus+"],
              project_dir=project)
print(run.status_counts)
assert run.status_counts.get("success", 0) >= 2  # the model and fct_indicator_values at least

# %% [markdown]
# ## 4. The new indicator, published after disclosure control

# %%
with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
    x01 = con.execute("select period, area_name, numerator, denominator, value, lower_ci95, "
                      "upper_ci95 from published.indicator_values where indicator_id = 'X-01' "
                      "and breakdown = 'all' and area_type = 'ics' order by period").df()
assert len(x01) > 0
x01

# %%
shutil.rmtree(scratch)

{{ config(materialized='incremental', incremental_strategy=period_incremental_strategy(),
          unique_key='period', partition_by=['period'],
          on_schema_change='fail') }}
-- People registered with an ICS practice and alive at the end of each financial year (31 March:
-- the snapshot of the prevalence and coverage indicators), one row per person and year, with the
-- LSOA of residence, sex, single year of age and ethnic group (macro registered_people). The
-- deprivation, areas and age bands are looked up where these rows are read
-- (int_gp_status_at_year_end): written here for every person-year as well, they were most of this
-- model's time (docs/scaling.md). The mid-year populations at risk of rates are counted, not kept
-- person by person: int_population_at_risk.
-- Incremental by period: a monthly refresh rebuilds only the open periods (macro
-- in_periods_to_build; int_open_periods lists them).
-- Built before int_population_at_risk, never beside it (that model's note says why).
{{ registered_people(['year_end']) }}

{{ config(materialized='incremental', incremental_strategy=period_incremental_strategy(),
          unique_key='period', partition_by=['period'],
          on_schema_change='fail') }}
-- People registered with an ICS practice and alive at the end of each financial year (31 March:
-- the snapshot of the prevalence and coverage indicators), one row per person and year, with
-- residence, deprivation, area, sex, age and ethnic group (macro registered_people). The mid-year
-- populations at risk of rates are counted, not kept person by person: int_population_at_risk.
-- Incremental by period: a monthly refresh rebuilds only the open periods (macro
-- in_periods_to_build; int_open_periods lists them).
{{ registered_people(['year_end']) }}

{{ config(materialized='incremental', incremental_strategy=period_incremental_strategy(),
          unique_key='period', partition_by=['period'],
          on_schema_change='fail',
          post_hook='{{ gp_status_at_year_end_later_statements() }}') }}
-- Each person registered at the end of each reporting year (the snapshot date of the prevalence
-- and coverage indicators, docs/methods.md#time-periods), who they are that day
-- (int_registered_population: residence, sex, age, ethnic group; the residence's deprivation and
-- areas from int_lsoas_with_areas), and what
-- primary care had recorded about them by then: latest smoking status in five years, latest BMI
-- and blood pressure in twelve months, registers that day (int_register_spells: resolved entries
-- are off), care and prevention activity in the last twelve months, and flu vaccination in the
-- season (1 Sep - end Feb). Cluster names are the Primary Care Domain clusters of
-- ref_clinical_codes. Incremental by period, like int_registered_population; the periods to build
-- are written into the SQL (inline), so that its reads of int_registered_population, stored
-- period by period, skip the other periods' row groups (about a tenth of its time in a month).
-- The SQL is macro gp_status_at_year_end_rows. The years go in batches (macro period_batches): on
-- DuckDB a statement each, in the post-hook, and this SELECT writes no year; on Spark this SELECT
-- holds them all, a UNION ALL branch each (macro period_batch_statements).
{{ gp_status_at_year_end_rows(period_batch_statements(gp_status_at_year_end_batches())[0]) }}

{{ config(materialized='incremental', incremental_strategy=period_incremental_strategy(),
          unique_key='period', partition_by=['period'],
          on_schema_change='fail') }}
-- depends_on: {{ ref('int_periods') }}
-- The registered population (int_registered_population) counted by reporting period, reference
-- date and everything a population at risk is filtered or broken down by (single year of age
-- included). A rate's denominator (macro population_rows) sums these counts: the same sums as
-- counting one row per person, from tens of thousands of rows instead of 20 million at 1.2M people
-- (docs/scaling.md). Incremental by period, like int_registered_population.
select
    period, period_start, period_end, snapshot, on_date,
    lad19cd, lad19nm, place_code, place_name, imd_quintile,
    sex, age, age_band, esp_age_band, ethnicity_group,
    count(*) as people
from {{ ref('int_registered_population') }}
where {{ in_periods_to_build('period') }}
group by
    period, period_start, period_end, snapshot, on_date,
    lad19cd, lad19nm, place_code, place_name, imd_quintile,
    sex, age, age_band, esp_age_band, ethnicity_group

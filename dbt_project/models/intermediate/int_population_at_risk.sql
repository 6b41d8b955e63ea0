{{ config(materialized='incremental', incremental_strategy=period_incremental_strategy(),
          unique_key='period', partition_by=['period'],
          on_schema_change='fail') }}
-- The population at risk of rates: the people registered and alive on each reporting period's
-- mid-year date (macro registered_people: 1 October of a financial year, 1 July of a calendar
-- year), counted by everything a population at risk is filtered or broken down by (single year
-- of age included). A rate's denominator (macro population_rows) sums these counts: the same sums
-- as counting one row per person, from tens of thousands of rows instead of the 13M person-dates
-- at 1.2M people, which are never written (docs/scaling.md). Incremental by period, like
-- int_registered_population.
with registered as (
    {{ registered_people(['mid_year', 'calendar_mid_year']) }}
)

select
    period, period_start, period_end, snapshot, on_date,
    lad19cd, lad19nm, place_code, place_name, imd_quintile,
    sex, age, age_band, esp_age_band, ethnicity_group,
    count(*) as people
from registered
group by
    period, period_start, period_end, snapshot, on_date,
    lad19cd, lad19nm, place_code, place_name, imd_quintile,
    sex, age, age_band, esp_age_band, ethnicity_group

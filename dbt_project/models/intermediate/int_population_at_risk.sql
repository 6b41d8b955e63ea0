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
-- Built after int_registered_population, never beside it: the two expand every registration over
-- their dates and share DuckDB's memory limit (side by side at 3.6M people they spilled: 51 s
-- against 33 s one after the other; docs/scaling.md R13). That one first, as the longest chain of
-- a build runs through it (int_gp_status_at_year_end and the 17 indicator models on it): in a
-- month's refresh at 1.2M people the other order kept int_gp_status_at_year_end waiting about 3 s
-- (docs/scaling.md change 22). dbt orders models only by their refs, hence this one:
-- depends_on: {{ ref('int_registered_population') }}
with counted as (
    -- counted by LSOA before the areas are looked up: a few hundred thousand counts to join
    -- instead of every person-date (a third to a half of this model's time at 1.2M people,
    -- docs/scaling.md change 19)
    {{ registered_people(['mid_year', 'calendar_mid_year'], counted=true) }}
)

select
    counted.period, counted.period_start, counted.period_end, counted.snapshot, counted.on_date,
    areas.lad19cd, areas.lad19nm, areas.place_code, areas.place_name, areas.imd_quintile,
    counted.sex,
    counted.age,
    {{ age_band('counted.age') }} as age_band,
    {{ esp_age_band('counted.age') }} as esp_age_band,
    counted.ethnicity_group,
    cast(sum(counted.people) as {{ dbt.type_bigint() }}) as people
from counted
left join {{ ref('int_lsoas_with_areas') }} as areas
    on counted.lsoa11cd = areas.lsoa11cd
group by
    counted.period, counted.period_start, counted.period_end, counted.snapshot, counted.on_date,
    areas.lad19cd, areas.lad19nm, areas.place_code, areas.place_name, areas.imd_quintile,
    counted.sex, counted.age, counted.ethnicity_group

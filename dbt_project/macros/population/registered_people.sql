{#- People registered with an ICS practice and alive on the reference dates of the reporting
    periods to build (macro in_periods_to_build): one row per person and date. `snapshots` names
    the dates:
    - 'mid_year': 1 October of a financial year, six months in: the population at risk of rates;
    - 'calendar_mid_year': 1 July of a calendar year, the population at risk of the pooled
      calendar-year rates (docs/methods.md#time-periods), as ONS mid-year estimates are for them;
    - 'year_end': 31 March of a financial year: the snapshot of prevalence and coverage indicators.
    Address, and so deprivation and area, is the one on the registration open that day
    (docs/methods.md#breakdowns).
    Two models read it, each for its own dates: int_registered_population keeps the person rows of
    the year ends, int_population_at_risk counts the mid-year ones. Neither writes person rows it
    does not need: at 1.2M people the mid-year rows were 13M of the 20M person rows the build wrote
    (docs/scaling.md).
    The rows carry the LSOA and single year of age, not the address's deprivation and areas or the
    age bands: the models look those up where fewer rows meet them (at 1.2M people joining the
    areas to every person-date was a third of int_population_at_risk's time).
    Who a person is comes with their registrations (int_person_registrations, joined and counted
    once for both models: docs/scaling.md change 22), before the dates multiply them, and the
    dates are named by a small integer key until the end: joining it to every person-date, and
    grouping the person-dates by the five columns that name a date, were 60% of
    int_population_at_risk's time in a month's refresh at 1.2M people (docs/scaling.md change 21).
    `counted=true`: instead of a row per person and date, the people counted by date, LSOA, sex,
    age and ethnic group (column `people`), for a model that keeps no person rows. -#}
{% macro registered_people(snapshots, counted=false) -%}
{%- set kinds = {'mid_year': 'financial_year', 'calendar_mid_year': 'calendar_year',
                 'year_end': 'financial_year'} -%}
{%- for snapshot in snapshots if snapshot not in kinds -%}
    {{ exceptions.raise_compiler_error("registered_people: unknown snapshot " ~ snapshot) }}
{%- endfor -%}
with periods as (
    select period, period_type, period_start, period_end, mid_year_date
    from {{ ref('int_periods') }}
    where period_type in ('financial_year', 'calendar_year') and {{ in_periods_to_build('period') }}
),

reference_dates as (
    {%- for snapshot in snapshots %}
    select
        period, period_start, period_end, '{{ snapshot }}' as snapshot,
        -- a timestamp, whichever date it is (mid-year dates come from dateadd)
        cast({{ 'period_end' if snapshot == 'year_end' else 'mid_year_date' }} as timestamp)
            as on_date
    from periods
    where period_type = '{{ kinds[snapshot] }}'
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

numbered_dates as (
    -- a small integer key per reference date: the aggregate below groups millions of person-dates,
    -- and one integer groups faster than the five columns that name a date
    select
        reference_dates.*,
        row_number() over (order by period, snapshot) as date_key
    from reference_dates
),

open_registrations as (
    -- one row per person registered and alive on the date (each branch scans
    -- int_person_registrations itself: a CTE read twice DuckDB may materialise): the address of
    -- the latest-started registration open that day (same-day registrations at two practices
    -- happen: the higher practice code, so reruns are identical; start date and practice are never
    -- NULL, their contract says). Most people have one registration in the extract: theirs is the
    -- row as it is, and only the others are grouped (at 1.2M people the group of every person-date
    -- was most of the time)
    select
        dates.date_key, registrations.person_id, registrations.lsoa11cd, registrations.sex,
        registrations.ethnicity_group,
        {{ age_in_years('registrations.birth_month', 'dates.on_date') }} as age
    from numbered_dates as dates
    inner join {{ ref('int_person_registrations') }} as registrations
        on registrations.registration_start_date <= dates.on_date
        and (registrations.registration_end_date is null
             or registrations.registration_end_date > dates.on_date)
    where registrations.registrations_of_person = 1
        and (registrations.date_of_death is null or registrations.date_of_death > dates.on_date)
    union all
    select
        dates.date_key,
        registrations.person_id,
        {{ value_at_greatest('registrations.lsoa11cd',
                             ['registrations.registration_start_date', 'registrations.practice_code']) }}
            as lsoa11cd,
        registrations.sex,
        registrations.ethnicity_group,
        {{ age_in_years('registrations.birth_month', 'dates.on_date') }} as age
    from numbered_dates as dates
    inner join {{ ref('int_person_registrations') }} as registrations
        on registrations.registration_start_date <= dates.on_date
        and (registrations.registration_end_date is null
             or registrations.registration_end_date > dates.on_date)
    where registrations.registrations_of_person > 1
        and (registrations.date_of_death is null or registrations.date_of_death > dates.on_date)
    group by
        dates.date_key, dates.on_date, registrations.person_id, registrations.sex,
        registrations.ethnicity_group, registrations.birth_month
)
{%- if counted %},

counted as (
    select date_key, lsoa11cd, sex, age, ethnicity_group, count(*) as people
    from open_registrations
    group by date_key, lsoa11cd, sex, age, ethnicity_group
)

select
    dates.period, dates.period_start, dates.period_end, dates.snapshot, dates.on_date,
    counted.lsoa11cd, counted.sex, counted.age, counted.ethnicity_group, counted.people
from counted
inner join numbered_dates as dates
    on counted.date_key = dates.date_key
{%- else %}

select
    dates.period, dates.period_start, dates.period_end, dates.snapshot, dates.on_date,
    open_registrations.person_id, open_registrations.sex, open_registrations.ethnicity_group,
    open_registrations.age, open_registrations.lsoa11cd
from open_registrations
inner join numbered_dates as dates
    on open_registrations.date_key = dates.date_key
{%- endif %}
{%- endmacro %}

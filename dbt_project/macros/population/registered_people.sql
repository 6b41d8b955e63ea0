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
    `with_areas=false`: the rows without the address's deprivation and areas or the age bands
    (the LSOA and single year of age are there), for a model that counts the rows first and
    looks the areas up in the counts: at 1.2M people joining the areas to every person-date was a
    third of int_population_at_risk's time. -#}
{% macro registered_people(snapshots, with_areas=true) -%}
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

registrations as (
    select
        person_id, practice_code, registration_start_date, registration_end_date, lsoa11cd,
        count(*) over (partition by person_id) as registrations_of_person
    from {{ ref('stg_gp__registrations') }}
),

open_registrations as (
    -- one row per person registered on the date: the address of the latest-started registration
    -- open that day (same-day registrations at two practices happen: the higher practice code, so
    -- reruns are identical; start date and practice are never NULL, their contract says). Most
    -- people have one registration in the extract: theirs is the row as it is, and only the others
    -- are grouped (at 1.2M people the group of every person-date was most of the time)
    select dates.date_key, registrations.person_id, registrations.lsoa11cd
    from numbered_dates as dates
    inner join registrations
        on registrations.registration_start_date <= dates.on_date
        and (registrations.registration_end_date is null
             or registrations.registration_end_date > dates.on_date)
    where registrations.registrations_of_person = 1
    union all
    select
        dates.date_key,
        registrations.person_id,
        {{ value_at_greatest('registrations.lsoa11cd',
                             ['registrations.registration_start_date', 'registrations.practice_code']) }}
            as lsoa11cd
    from numbered_dates as dates
    inner join registrations
        on registrations.registration_start_date <= dates.on_date
        and (registrations.registration_end_date is null
             or registrations.registration_end_date > dates.on_date)
    where registrations.registrations_of_person > 1
    group by dates.date_key, registrations.person_id
)

select
    dates.period,
    dates.period_start,
    dates.period_end,
    dates.snapshot,
    dates.on_date,
    open_registrations.person_id,
    persons.sex,
    persons.ethnicity_group,
    {{ age_in_years('persons.birth_month', 'dates.on_date') }} as age,
    {%- if with_areas %}
    {{ age_band(age_in_years('persons.birth_month', 'dates.on_date')) }} as age_band,
    {{ esp_age_band(age_in_years('persons.birth_month', 'dates.on_date')) }}
        as esp_age_band,
    open_registrations.lsoa11cd,
    areas.imd_quintile,
    areas.lad19cd,
    areas.lad19nm,
    areas.place_code,
    areas.place_name
    {%- else %}
    open_registrations.lsoa11cd
    {%- endif %}
from open_registrations
inner join numbered_dates as dates
    on open_registrations.date_key = dates.date_key
inner join {{ ref('int_persons') }} as persons
    on open_registrations.person_id = persons.person_id
{%- if with_areas %}
left join {{ ref('int_lsoas_with_areas') }} as areas
    on open_registrations.lsoa11cd = areas.lsoa11cd
{%- endif %}
where persons.date_of_death is null or persons.date_of_death > dates.on_date
{%- endmacro %}

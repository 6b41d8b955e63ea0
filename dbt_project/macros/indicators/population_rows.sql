{#- Cohort rows for the population at risk of a rate or DSR: registered people alive on the
    reference date (mid-year by default), numerator 0 and denominator 1 each, optionally within an
    age range. Union them with the event rows (numerator 1, denominator 0) in the indicator. -#}
{% macro population_rows(min_age=none, max_age=none, snapshot='mid_year') -%}
    select
        period, period_start, period_end,
        lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, age_band, ethnicity_group, esp_age_band,
        0 as numerator,
        1 as denominator
    from {{ ref('int_registered_population') }}
    where snapshot = '{{ snapshot }}'
        {%- if min_age is not none %} and age >= {{ min_age }}{% endif %}
        {%- if max_age is not none %} and age <= {{ max_age }}{% endif %}
{%- endmacro %}

{#- Event rows of an event-based rate or DSR: one per event in a reporting period. `relation` has
    the residence and breakdown columns of a cohort, the event date and the age at the event. -#}
{% macro event_rows(relation, date_column, where='true') -%}
    select
        periods.period, periods.period_start, periods.period_end,
        events.lad19cd, events.lad19nm, events.place_code, events.place_name, events.imd_quintile,
        events.sex, events.age_band, events.ethnicity_group, events.esp_age_band,
        1 as numerator,
        0 as denominator
    from {{ relation }} as events
    inner join {{ ref('int_reporting_periods') }} as periods
        on events.{{ date_column }} between periods.period_start and periods.period_end
    where {{ where }}
{%- endmacro %}

{#- Cohort rows of a year-end snapshot indicator on the registered population: one row per person
    registered at the end of the period who meets `cohort` (SQL on `population` and `status`, the
    person's int_gp_status_at_year_end row), counting 1 in the numerator when `numerator` holds. -#}
{% macro registered_snapshot_rows(numerator, cohort='true') -%}
    select
        population.period, population.period_start, population.period_end,
        population.lad19cd, population.lad19nm, population.place_code, population.place_name,
        population.imd_quintile, population.sex, population.age_band, population.ethnicity_group,
        case when {{ numerator }} then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_registered_population') }} as population
    inner join {{ ref('int_gp_status_at_year_end') }} as status
        on population.period = status.period and population.person_id = status.person_id
    left join {{ ref('int_care_home_residents') }} as care_home
        on population.person_id = care_home.person_id
        and care_home.resident_from <= population.on_date
    left join {{ ref('int_palliative_register') }} as palliative
        on population.person_id = palliative.person_id
        and palliative.entered_on <= population.on_date
        and (palliative.left_on is null or palliative.left_on > population.on_date)
    where population.snapshot = 'year_end' and ({{ cohort }})
{%- endmacro %}

{#- The reporting periods of one period type (docs/methods.md#time-periods), for a join: the
    financial years of most indicators (int_reporting_periods), or the periods of another type.
    An indicator passes its type explicitly (dbt must see the ref while it parses); the test on
    fct_indicator_periods checks it against the type its meta.indicator.period_type declares. -#}
{% macro reporting_periods(period_type='financial_year') -%}
    {%- if period_type == 'financial_year' -%}
        {{ ref('int_reporting_periods') }}
    {%- else -%}
        (select * from {{ ref('int_periods') }} where period_type = '{{ period_type }}')
    {%- endif -%}
{%- endmacro %}

{#- Cohort rows for the population at risk of a rate or DSR: registered people alive on the
    period's mid-year date, counted (int_population_at_risk: numerator 0, denominator
    the people of the row's cell), optionally within an age range. Union them with the event rows
    (numerator 1, denominator 0) in the indicator.
    Pooled calendar years (calendar_years_pooled_3) count the population at risk once per year:
    the sum of the three calendar mid-year populations (person-years), as OHID sums the three
    mid-year estimates. -#}
{% macro population_rows(min_age=none, max_age=none, period_type='financial_year') -%}
    {%- if period_type == 'calendar_years_pooled_3' %}
    select
        pooled.period, pooled.period_start, pooled.period_end,
        population.lad19cd, population.lad19nm, population.place_code, population.place_name,
        population.imd_quintile, population.sex, population.age_band, population.ethnicity_group,
        population.esp_age_band,
        0 as numerator,
        population.people as denominator
    from {{ ref('int_population_at_risk') }} as population
    inner join {{ reporting_periods(period_type) }} as pooled
        on population.on_date between pooled.period_start and pooled.period_end
    where population.snapshot = 'calendar_mid_year'
        {%- if min_age is not none %} and population.age >= {{ min_age }}{% endif %}
        {%- if max_age is not none %} and population.age <= {{ max_age }}{% endif %}
    {%- elif period_type == 'financial_year' %}
    select
        period, period_start, period_end,
        lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, age_band, ethnicity_group, esp_age_band,
        0 as numerator,
        people as denominator
    from {{ ref('int_population_at_risk') }}
    where snapshot = 'mid_year'
        {%- if min_age is not none %} and age >= {{ min_age }}{% endif %}
        {%- if max_age is not none %} and age <= {{ max_age }}{% endif %}
    {%- else -%}
    {{ exceptions.raise_compiler_error("population_rows: no population at risk for period type " ~ period_type) }}
    {%- endif %}
{%- endmacro %}

{#- Event rows of an event-based rate or DSR: one per event in a reporting period of the type
    given. `relation` has the residence and breakdown columns of a cohort, the event date and the
    age at the event. -#}
{% macro event_rows(relation, date_column, where='true', period_type='financial_year') -%}
    select
        periods.period, periods.period_start, periods.period_end,
        events.lad19cd, events.lad19nm, events.place_code, events.place_name, events.imd_quintile,
        events.sex, events.age_band, events.ethnicity_group, events.esp_age_band,
        1 as numerator,
        0 as denominator
    from {{ relation }} as events
    inner join {{ reporting_periods(period_type) }} as periods
        on events.{{ date_column }} between periods.period_start and periods.period_end
    where {{ where }}
{%- endmacro %}

{#- Cohort rows of a year-end snapshot indicator on the registered population: one row per person
    registered at the end of the period who meets `cohort`, counting 1 in the numerator when
    `numerator` holds. Both are SQL on `person` (the person's int_gp_status_at_year_end row: who
    they are that day and what primary care had recorded), `care_home` (their care-home
    residence, when they lived in one that day) and `palliative` (their palliative-register spell
    open that day). -#}
{% macro registered_snapshot_rows(numerator, cohort='true') -%}
    select
        person.period, person.period_start, person.period_end,
        person.lad19cd, person.lad19nm, person.place_code, person.place_name,
        person.imd_quintile, person.sex, person.age_band, person.ethnicity_group,
        case when {{ numerator }} then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_gp_status_at_year_end') }} as person
    left join {{ ref('int_care_home_residents') }} as care_home
        on person.person_id = care_home.person_id
        and care_home.resident_from <= person.on_date
    left join {{ ref('int_palliative_register') }} as palliative
        on person.person_id = palliative.person_id
        and palliative.entered_on <= person.on_date
        and (palliative.left_on is null or palliative.left_on > person.on_date)
    where {{ cohort }}
{%- endmacro %}

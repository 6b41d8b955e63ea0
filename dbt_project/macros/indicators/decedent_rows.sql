{#- A3-03, A3-04, A3-05: linked decedents by financial year of death (the look-back window
    indicators), counting `numerator` (SQL on `deaths`, a row of int_deaths_with_ed_last_90_days)
    for each; `min_age` restricts to adults where the indicator says so. -#}
{% macro decedent_rows(numerator, min_age=none) -%}
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        {{ numerator }} as numerator,
        -- one row per decedent: the person's events are the row's (read only by indicators of
        -- non-independent events, such as A3-04's attendances)
        {{ numerator }} as person_events,
        1 as denominator
    from {{ ref('int_deaths_with_ed_last_90_days') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.date_of_death between periods.period_start and periods.period_end
    {%- if min_age is not none %}
    where deaths.age_at_death >= {{ min_age }}
    {%- endif %}
{% endcall %}
{%- endmacro %}

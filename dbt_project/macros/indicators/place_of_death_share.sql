{#- EOL-02: the share of deaths registered in the period that happened in one place-of-death group
    (hospital, home, care_home, hospice, other), one indicator model per group. -#}
{% macro place_of_death_share(place_of_death_group) -%}
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        case when deaths.place_of_death_group = '{{ place_of_death_group }}' then 1 else 0 end
            as numerator,
        1 as denominator
    from {{ ref('int_deaths_with_residence') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.registration_date between periods.period_start and periods.period_end
{% endcall %}
{%- endmacro %}

-- EOL-03: decedents with a preferred place of death recorded before death who died there.
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        case when deaths.died_in_preferred_place then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_decedents_end_of_life_care') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.date_of_death between periods.period_start and periods.period_end
    where deaths.preferred_place_of_death is not null
{% endcall %}

-- EOL-01: deaths in the usual place of residence (home, care home, religious establishment), of
-- all deaths registered in the year.
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        case when deaths.died_in_usual_residence then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_deaths_with_residence') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.registration_date between periods.period_start and periods.period_end
{% endcall %}

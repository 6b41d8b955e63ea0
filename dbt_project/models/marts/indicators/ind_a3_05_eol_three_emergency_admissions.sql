-- A3-05: deaths with 3 or more emergency admissions in the last 90 days of life (all ages, as
-- OHID; the age_band breakdown gives the under-75 and 75+ views).
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        case when deaths.emergency_admissions_in_window >= 3 then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_deaths_with_ed_last_90_days') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.date_of_death between periods.period_start and periods.period_end
{% endcall %}

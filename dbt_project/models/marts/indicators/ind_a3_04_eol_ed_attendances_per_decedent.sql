-- A3-04: unplanned ED attendances in the last 90 days of life per 100 adult decedents.
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        deaths.ed_attendances_in_window as numerator,
        1 as denominator
    from {{ ref('int_deaths_with_ed_last_90_days') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.date_of_death between periods.period_start and periods.period_end
    where deaths.age_at_death >= {{ var('eol_min_age') }}
{% endcall %}

-- A3-03: adults who died with at least one unplanned ED attendance in the last 90 days of life,
-- by financial year of death. Definition and metadata: _indicators__models.yml.
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        case when deaths.ed_attendances_in_window > 0 then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_deaths_with_ed_last_90_days') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.date_of_death between periods.period_start and periods.period_end
    where deaths.age_at_death >= {{ var('eol_min_age') }}
{% endcall %}

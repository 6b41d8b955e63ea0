-- A3-03: adults who died with at least one unplanned ED attendance in the last 90 days of life,
-- by financial year of death. Definition and metadata: _indicators__models.yml.
{% call proportion_indicator_rows('attended_ed') %}
    select
        years.period,
        years.period_start,
        years.period_end,
        deaths.place_code,
        deaths.place_name,
        deaths.lad19cd,
        deaths.lad19nm,
        deaths.imd_quintile,
        case when deaths.ed_attendances_in_window > 0 then 1 else 0 end as attended_ed
    from {{ ref('int_deaths_with_ed_last_90_days') }} as deaths
    inner join {{ ref('ref_financial_years') }} as years
        on deaths.date_of_death between years.period_start and years.period_end
    where deaths.age_at_death >= {{ var('eol_min_age') }}
        and years.period_start >= cast('{{ var("first_period_start") }}' as date)
{% endcall %}

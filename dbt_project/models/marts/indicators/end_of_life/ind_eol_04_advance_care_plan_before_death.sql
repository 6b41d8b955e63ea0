-- EOL-04: decedents whose death could be anticipated (underlying cause not external, V01-Y98) with
-- advance care planning recorded at least eol_acp_min_days_before_death days before death.
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name, deaths.imd_quintile,
        deaths.sex, deaths.age_band, deaths.ethnicity_group,
        case
            when deaths.care_plan_first_recorded_on
                <= {{ dbt.dateadd('day', -var('eol_acp_min_days_before_death'), 'deaths.date_of_death') }}
            then 1 else 0
        end as numerator,
        1 as denominator
    from {{ ref('int_decedents_end_of_life_care') }} as deaths
    inner join {{ ref('int_reporting_periods') }} as periods
        on deaths.date_of_death between periods.period_start and periods.period_end
    where deaths.age_at_death >= {{ var('eol_min_age') }}
        and not {{ icd10_in_group('deaths.underlying_cause_icd10', 'external_causes') }}
{% endcall %}

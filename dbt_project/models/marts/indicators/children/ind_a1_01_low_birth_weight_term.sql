-- A1-01: live births at 37+ weeks' gestation weighing under 2,500 g, of live term births with a
-- recorded weight (mother's residence; ethnicity is the mother's).
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        areas.lad19cd, areas.lad19nm, areas.place_code, areas.place_name, areas.imd_quintile,
        cast(null as {{ dbt.type_string() }}) as sex,
        cast(null as {{ dbt.type_string() }}) as age_band,
        {{ ethnicity_group('births.mother_ethnic_category') }} as ethnicity_group,
        case when births.birth_weight_g < 2500 then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('stg_msds__births') }} as births
    inner join {{ ref('int_reporting_periods') }} as periods
        on births.birth_date between periods.period_start and periods.period_end
    left join {{ ref('int_lsoas_with_areas') }} as areas
        on births.lsoa11cd = areas.lsoa11cd
    where births.is_live_birth and births.gestation_weeks >= 37 and births.birth_weight_g is not null
{% endcall %}

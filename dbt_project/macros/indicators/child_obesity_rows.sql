{#- A1-02 and A1-03: children of one NCMP school year ('R' Reception, '6' Year 6) measured with
    BMI at or above the 95th centile (UK90; the category when no centile), of children measured,
    by NCMP school year of measurement (1 September - 31 August: period type academic_year)
    and the child's residence. -#}
{% macro child_obesity_rows(school_year) -%}
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        areas.lad19cd, areas.lad19nm, areas.place_code, areas.place_name, areas.imd_quintile,
        {{ sex_label('children.sex_code') }} as sex,
        cast(null as {{ dbt.type_string() }}) as age_band,
        {{ ethnicity_group('children.ethnic_category') }} as ethnicity_group,
        case when coalesce(children.bmi_centile >= 95,
                           children.bmi_category in ('obese', 'severely obese')) then 1 else 0 end
            as numerator,
        1 as denominator
    from {{ ref('stg_ncmp__measurements') }} as children
    inner join {{ reporting_periods('academic_year') }} as periods
        on children.measurement_date between periods.period_start and periods.period_end
    left join {{ ref('int_lsoas_with_areas') }} as areas
        on children.lsoa11cd = areas.lsoa11cd
    where children.school_year = '{{ school_year }}'
        and (children.bmi_centile is not null or children.bmi_category is not null)
{% endcall %}
{%- endmacro %}

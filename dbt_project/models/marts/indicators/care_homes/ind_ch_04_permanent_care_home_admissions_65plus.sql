-- CH-04: people aged 65+ whose long-term support needs were met by a new permanent admission to
-- residential or nursing care in the year (a first such service), per 100,000 aged 65+ (ASCOF 2C).
{% call indicator_rows() %}
    with first_admissions as (
        select client_id, person_id, min(event_start_date) as admitted_on, max(birth_year) as birth_year
        from {{ ref('stg_social_care__events') }}
        where client_type = 'Service User'
            and service_type in ('Long Term Support: Residential Care', 'Long Term Support: Nursing Care')
        group by client_id, person_id
    )

    select
        periods.period, periods.period_start, periods.period_end,
        persons.lad19cd, persons.lad19nm, persons.place_code, persons.place_name, persons.imd_quintile,
        persons.sex, '65+' as age_band, persons.ethnicity_group,
        1 as numerator,
        0 as denominator
    from first_admissions
    inner join {{ ref('int_reporting_periods') }} as periods
        on first_admissions.admitted_on between periods.period_start and periods.period_end
    left join {{ ref('int_persons') }} as persons
        on first_admissions.person_id = persons.person_id
    where extract(year from first_admissions.admitted_on) - first_admissions.birth_year >= 65
    union all
    select
        period, period_start, period_end, lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, '65+' as age_band, ethnicity_group, numerator, denominator
    from ({{ population_rows(min_age=65) }}) as population
{% endcall %}

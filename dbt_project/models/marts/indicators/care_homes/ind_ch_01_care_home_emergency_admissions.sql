-- CH-01: emergency admissions of care-home residents aged 65+ per 1,000 resident-years. A resident
-- is identified by int_care_home_residents or a care-home source of admission (54, 65, 85).
-- Residence and breakdowns: the person's latest GP registration.
{% call indicator_rows() %}
    with residents as (
        select
            care_home.person_id, care_home.resident_from, care_home.resident_to,
            persons.birth_month, persons.sex, persons.ethnicity_group,
            persons.imd_quintile, persons.lad19cd, persons.lad19nm, persons.place_code, persons.place_name
        from {{ ref('int_care_home_residents') }} as care_home
        inner join {{ ref('int_persons') }} as persons
            on care_home.person_id = persons.person_id
    ),

    resident_years as (
        select
            periods.period, periods.period_start, periods.period_end, residents.*,
            case when residents.resident_from > periods.period_start
                 then residents.resident_from else periods.period_start end as from_date,
            case when residents.resident_to < periods.period_end
                 then residents.resident_to else periods.period_end end as to_date
        from residents
        inner join {{ ref('int_reporting_periods') }} as periods
            on residents.resident_from <= periods.period_end
            and (residents.resident_to is null or residents.resident_to >= periods.period_start)
    )

    select
        period, period_start, period_end, lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, {{ age_band(age_in_years('birth_month', 'period_end')) }} as age_band, ethnicity_group,
        0 as numerator,
        0 as person_events,
        ({{ dbt.datediff('from_date', 'to_date', 'day') }} + 1) / 365.25 as denominator
    from resident_years
    where {{ age_in_years('birth_month', 'period_end') }} >= 65
    union all
    -- one row per admission, with the person's admissions in the period: a resident can be
    -- admitted several times, so the limits allow for repeat events (meta independent_events:
    -- false, person_events: indicator_rows). Each admission keeps the residence on its record.
    select
        period, period_start, period_end, lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, age_band, ethnicity_group,
        1 as numerator,
        count(*) over (partition by person_key, period) as person_events,
        0 as denominator
    from (
        -- distinct: one admission, however many residence spells began before it
        select distinct
            periods.period, periods.period_start, periods.period_end, admissions.episode_id,
            coalesce(admissions.person_id, 'episode ' || cast(admissions.episode_id as string)) as person_key,
            admissions.lad19cd, admissions.lad19nm, admissions.place_code, admissions.place_name,
            admissions.imd_quintile, admissions.sex, admissions.age_band, admissions.ethnicity_group
        from {{ ref('int_emergency_admissions') }} as admissions
        inner join {{ ref('int_reporting_periods') }} as periods
            on admissions.admission_date between periods.period_start and periods.period_end
        left join {{ ref('int_care_home_residents') }} as care_home
            on admissions.person_id = care_home.person_id
            and care_home.resident_from <= admissions.admission_date
        where admissions.age_on_admission >= 65
            and (care_home.person_id is not null or admissions.admission_source in ('54', '65', '85'))
    ) as resident_admissions
{% endcall %}

-- CH-05: people aged 65+ discharged from hospital into reablement between 1 October and 31
-- December who were at home 91 days later: alive, not in hospital and not a care-home resident.
-- [our rule] Discharges into reablement are the social care requests whose route of access is
-- var reablement_discharge_route and whose outcome was ST-Max (the LA's own record of the
-- discharge, as the ASCOF return uses); the request date stands for the discharge date.
{% call indicator_rows() %}
    with discharges as (
        select distinct
            periods.period, periods.period_start, periods.period_end,
            requests.person_id, requests.event_start_date as discharge_date,
            {{ dbt.dateadd('day', 91, 'requests.event_start_date') }} as day_91
        from {{ ref('stg_social_care__events') }} as requests
        inner join {{ ref('int_reporting_periods') }} as periods
            on requests.event_start_date between {{ dbt.dateadd('month', 6, 'periods.period_start') }}
                and {{ dbt.dateadd('day', -1, dbt.dateadd('month', 9, 'periods.period_start')) }}
        where requests.event_type = 'Request'
            and requests.request_route_of_access = '{{ var("reablement_discharge_route") }}'
            and requests.event_outcome = 'Progress to Reablement/ST-Max'
            and requests.person_id is not null
            and extract(year from requests.event_start_date) - requests.birth_year >= 65
    ),

    in_hospital as (
        select distinct discharges.person_id, discharges.discharge_date
        from discharges
        inner join {{ ref('stg_apc__episodes') }} as episodes
            on discharges.person_id = episodes.person_id
            and episodes.admission_date <= discharges.day_91
            and (episodes.discharge_date is null or episodes.discharge_date > discharges.day_91)
    )

    select
        discharges.period, discharges.period_start, discharges.period_end,
        persons.lad19cd, persons.lad19nm, persons.place_code, persons.place_name, persons.imd_quintile,
        persons.sex,
        {{ age_band(age_in_years('persons.birth_month', 'discharges.discharge_date')) }} as age_band,
        persons.ethnicity_group,
        case
            when persons.date_of_death <= discharges.day_91 then 0
            when in_hospital.person_id is not null then 0
            when care_home.person_id is not null then 0
            else 1
        end as numerator,
        1 as denominator
    from discharges
    left join in_hospital
        on discharges.person_id = in_hospital.person_id
        and discharges.discharge_date = in_hospital.discharge_date
    left join {{ ref('int_care_home_residents') }} as care_home
        on discharges.person_id = care_home.person_id
        and care_home.resident_from <= discharges.day_91
    left join {{ ref('int_persons') }} as persons
        on discharges.person_id = persons.person_id
{% endcall %}

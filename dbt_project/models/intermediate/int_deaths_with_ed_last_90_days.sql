{{ config(materialized='table') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Each linked death with its unplanned ED attendances and emergency admissions in the look-back
-- window before death ([date of death - eol_lookback_days, date of death], inclusive;
-- docs/indicators.md#a3-03, #a3-04 and #a3-05).
with deaths as (
    select * from {{ ref('int_deaths_with_residence') }}
    where person_id is not null
),

attendances as (
    select deaths.person_id, deaths.date_of_death, count(*) as ed_attendances
    from deaths
    inner join {{ ref('stg_ecds__attendances') }} as ecds
        on deaths.person_id = ecds.person_id
        and ecds.is_unplanned
        and ecds.arrival_date <= deaths.date_of_death
        and ecds.arrival_date >= {{ dbt.dateadd('day', -var('eol_lookback_days'), 'deaths.date_of_death') }}
    group by deaths.person_id, deaths.date_of_death
),

admissions as (
    select deaths.person_id, deaths.date_of_death, count(*) as emergency_admissions
    from deaths
    inner join {{ ref('int_emergency_admissions') }} as apc
        on deaths.person_id = apc.person_id
        and apc.admission_date <= deaths.date_of_death
        and apc.admission_date >= {{ dbt.dateadd('day', -var('eol_lookback_days'), 'deaths.date_of_death') }}
    group by deaths.person_id, deaths.date_of_death
)

select
    deaths.person_id,
    deaths.date_of_death,
    deaths.age_at_death,
    deaths.age_band,
    deaths.sex,
    deaths.ethnicity_group,
    deaths.imd_quintile,
    deaths.lad19cd,
    deaths.lad19nm,
    deaths.place_code,
    deaths.place_name,
    cast(coalesce(attendances.ed_attendances, 0) as bigint) as ed_attendances_in_window,
    cast(coalesce(admissions.emergency_admissions, 0) as bigint) as emergency_admissions_in_window
from deaths
left join attendances
    on deaths.person_id = attendances.person_id and deaths.date_of_death = attendances.date_of_death
left join admissions
    on deaths.person_id = admissions.person_id and deaths.date_of_death = admissions.date_of_death

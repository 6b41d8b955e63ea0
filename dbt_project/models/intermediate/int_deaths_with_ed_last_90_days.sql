-- Each linked death with its unplanned ED attendances in the look-back window before death
-- ([date of death - eol_lookback_days, date of death], inclusive; INDICATORS A3-03, A3-04).
with deaths as (
    select * from {{ ref('int_deaths_with_residence') }}
),

attendances as (
    select person_id, arrival_date
    from {{ ref('stg_ecds__attendances') }}
    where is_unplanned and person_id is not null
)

select
    deaths.person_id,
    deaths.date_of_death,
    deaths.age_at_death,
    deaths.imd_quintile,
    deaths.lad19cd,
    deaths.lad19nm,
    deaths.place_code,
    deaths.place_name,
    cast(count(attendances.arrival_date) as bigint) as ed_attendances_in_window
from deaths
left join attendances
    on deaths.person_id = attendances.person_id
    and attendances.arrival_date <= deaths.date_of_death
    and attendances.arrival_date >= {{ dbt.dateadd('day', -var('eol_lookback_days'), 'deaths.date_of_death') }}
group by
    deaths.person_id, deaths.date_of_death, deaths.age_at_death, deaths.imd_quintile,
    deaths.lad19cd, deaths.lad19nm, deaths.place_code, deaths.place_name

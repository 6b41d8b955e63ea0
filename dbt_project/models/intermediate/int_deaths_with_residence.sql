-- Linked deaths with the LSOA of residence, its deprivation and ICS area. Residence comes from the
-- death record; when that is missing, from the latest GP registration started by the date of death
-- (INDICATORS §0.5). residence_source says which.
with deaths as (
    select * from {{ ref('stg_civil_registration__deaths') }}
    where person_id is not null
),

gp_address as (
    select
        deaths.person_id,
        deaths.date_of_death,
        registrations.lsoa11cd,
        row_number() over (
            partition by deaths.person_id, deaths.date_of_death
            order by registrations.registration_start_date desc
        ) as recency
    from deaths
    inner join {{ ref('stg_gp__registrations') }} as registrations
        on deaths.person_id = registrations.person_id
        and registrations.registration_start_date <= deaths.date_of_death
        and registrations.lsoa11cd is not null
)

select
    deaths.person_id,
    deaths.date_of_death,
    deaths.registration_date,
    deaths.age_at_death,
    deaths.sex_code,
    deaths.underlying_cause_icd10,
    coalesce(deaths.lsoa11cd, gp_address.lsoa11cd) as residence_lsoa11cd,
    case
        when deaths.lsoa11cd is not null then 'death_record'
        when gp_address.lsoa11cd is not null then 'gp_registration'
        else 'unknown'
    end as residence_source,
    areas.imd_quintile,
    areas.lad19cd,
    areas.lad19nm,
    areas.place_code,
    areas.place_name
from deaths
left join gp_address
    on deaths.person_id = gp_address.person_id
    and deaths.date_of_death = gp_address.date_of_death
    and gp_address.recency = 1
left join {{ ref('int_lsoas_with_areas') }} as areas
    on coalesce(deaths.lsoa11cd, gp_address.lsoa11cd) = areas.lsoa11cd

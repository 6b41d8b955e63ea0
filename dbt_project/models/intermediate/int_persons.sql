{{ config(materialized='table') }}
-- One row per person known to primary care: sex, month of birth, ethnicity (latest recorded) and
-- date of death (civil registration, the legal record of a death, wins over the GP record), and the address of
-- the latest registration with its deprivation and ICS area: the residence of indicators that have
-- no dated address of their own (social care, care homes, the end-of-life register). A table:
-- most intermediate models and many indicators read it.
with registrations as (
    select
        *,
        row_number() over (partition by person_id order by registration_start_date desc,
                           extract_date desc, practice_code desc) as recency
    from {{ ref('stg_gp__registrations') }}
),

latest_ethnicity as (
    select
        person_id,
        ethnic_category,
        row_number() over (partition by person_id order by extract_date desc,
                           registration_start_date desc, practice_code desc) as recency
    from {{ ref('stg_gp__registrations') }}
    where ethnic_category is not null and ethnic_category not in ('Z', '99')
),

registered_deaths as (
    select person_id, min(date_of_death) as date_of_death
    from {{ ref('stg_civil_registration__deaths') }}
    where person_id is not null
    group by person_id
)

select
    registrations.person_id,
    registrations.sex_code,
    {{ sex_label('registrations.sex_code') }} as sex,
    registrations.birth_month,
    coalesce(latest_ethnicity.ethnic_category, registrations.ethnic_category) as ethnic_category,
    {{ ethnicity_group('coalesce(latest_ethnicity.ethnic_category, registrations.ethnic_category)') }}
        as ethnicity_group,
    coalesce(registered_deaths.date_of_death, registrations.date_of_death) as date_of_death,
    registrations.lsoa11cd as latest_lsoa11cd,
    areas.imd_quintile,
    areas.lad19cd,
    areas.lad19nm,
    areas.place_code,
    areas.place_name
from registrations
left join latest_ethnicity
    on registrations.person_id = latest_ethnicity.person_id and latest_ethnicity.recency = 1
left join registered_deaths
    on registrations.person_id = registered_deaths.person_id
left join {{ ref('int_lsoas_with_areas') }} as areas
    on registrations.lsoa11cd = areas.lsoa11cd
where registrations.recency = 1

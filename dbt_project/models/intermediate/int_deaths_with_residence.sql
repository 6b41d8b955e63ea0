{{ config(materialized='table') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Every registered death with its residence, deprivation, ICS area and place of death. Residence
-- comes from the death record; when that is missing, from the GP-registered address that held on
-- the date of death (int_gp_addresses, the same rule as hospital admissions:
-- docs/methods.md#breakdowns); residence_source says which. Deaths that could not be
-- linked to a person (no person_id) are kept: they count in registration-based indicators.
with deaths as (
    select * from {{ ref('stg_civil_registration__deaths') }}
)

select
    deaths.person_id,
    deaths.date_of_death,
    deaths.registration_date,
    deaths.age_at_death,
    {{ age_band('deaths.age_at_death') }} as age_band,
    {{ esp_age_band('deaths.age_at_death') }} as esp_age_band,
    deaths.sex_code,
    {{ sex_label('deaths.sex_code') }} as sex,
    persons.ethnicity_group,
    deaths.underlying_cause_icd10,
    coalesce(places.place_of_death_group, 'other') as place_of_death_group,
    coalesce(places.is_usual_residence, false) as died_in_usual_residence,
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
{{ left_join_gp_address('deaths', 'deaths.date_of_death', 'deaths.lsoa11cd', 'gp_address') }}
left join {{ ref('int_persons') }} as persons
    on deaths.person_id = persons.person_id
left join {{ ref('ref_place_of_death_types') }} as places
    on deaths.place_of_death_code = places.pod_code
    and coalesce(deaths.place_of_death_establishment_type, '') = coalesce(places.establishment_type, '')
left join {{ ref('int_lsoas_with_areas') }} as areas
    on coalesce(deaths.lsoa11cd, gp_address.lsoa11cd) = areas.lsoa11cd

{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='append',
          on_schema_change='fail', pre_hook='{{ delete_admissions_to_take_in_again() }}') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Hospital admissions (provider spells): the first episode of each spell, any admission method,
-- with the residence the indicators place it by. Residence is the LSOA on the record; when that is
-- missing, the GP-registered address on the admission date (int_gp_addresses,
-- docs/methods.md#breakdowns); residence_source says which.
-- Incremental on DuckDB (macro incremental_where_engine_allows): a refresh takes in again only
-- the episodes of deliveries it has not seen and those placed by a GP address, which a new
-- registration can move (about 2% of admissions); its pre-hook deletes their rows first, so an
-- episode re-delivered as no longer the first of its spell loses its row (macro
-- apc_episodes_to_take_in).
with first_episodes as (
    select * from {{ ref('stg_apc__episodes') }} as episodes
    where episode_number = 1
    {%- if is_incremental() %}
        and {{ apc_episodes_to_take_in() }}
    {%- endif %}
),

residence as (
    select
        first_episodes.*,
        coalesce(first_episodes.lsoa11cd, addresses.lsoa11cd) as residence_lsoa11cd,
        case
            when first_episodes.lsoa11cd is not null then 'hospital_record'
            when addresses.lsoa11cd is not null then 'gp_registration'
            else 'unknown'
        end as residence_source
    from first_episodes
    {{ left_join_gp_address('first_episodes', 'first_episodes.admission_date',
                            'first_episodes.lsoa11cd', 'addresses') }}
)

select
    residence.episode_id,
    residence.person_id,
    residence.admission_date,
    residence.discharge_date,
    residence.admission_method,
    residence.admission_source,
    residence.patient_classification,
    residence.primary_diagnosis_icd10,
    residence.age_on_admission,
    {{ age_band('residence.age_on_admission') }} as age_band,
    {{ esp_age_band('residence.age_on_admission') }} as esp_age_band,
    {{ sex_label('residence.sex_code') }} as sex,
    {{ ethnicity_group('residence.ethnic_category') }} as ethnicity_group,
    residence.residence_lsoa11cd,
    residence.residence_source,
    areas.imd_quintile,
    areas.lad19cd,
    areas.lad19nm,
    areas.place_code,
    areas.place_name,
    residence.batch_id
from residence
left join {{ ref('int_lsoas_with_areas') }} as areas
    on residence.residence_lsoa11cd = areas.lsoa11cd

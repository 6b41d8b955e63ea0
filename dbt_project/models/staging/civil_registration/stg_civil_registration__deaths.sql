{{ config(materialized='table') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- One row per registered death. A re-delivered record (same person and date of death) replaces the
-- earlier one; deaths that could not be linked (no person_id) are each kept as they are.
select
    person_id,
    REG_DATE_OF_DEATH as date_of_death,
    REG_DATE as registration_date,
    DEC_SEX as sex_code,
    DEC_AGEC as age_at_death,
    LSOA_OF_RESIDENCE_CODE as lsoa11cd,
    GP_PRACTICE_CODE as practice_code,
    S_UNDERLYING_COD_ICD10 as underlying_cause_icd10,
    POD_CODE as place_of_death_code,
    POD_ESTABLISHMENT_TYPE as place_of_death_establishment_type,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(
    source('civil_registration', 'civil_registration_deaths'),
    ["coalesce(person_id, _batch_id || '/' || cast(_row_number as " ~ dbt.type_string() ~ "))",
     'REG_DATE_OF_DEATH']
) }} as deaths

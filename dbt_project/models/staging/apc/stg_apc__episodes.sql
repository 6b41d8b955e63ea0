{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='delete+insert',
          unique_key='episode_id', on_schema_change='fail') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Incremental by delivery on DuckDB (macro incremental_where_engine_allows): a refresh ranks again only
-- the keys delivered since the table was built (macro latest_versions).
-- One row per consultant episode; a re-submission (same APCE_Ident) replaces the earlier version.
-- ICD-10 codes arrive as 'I219', 'I21-' or 'I219X': macro icd10_code drops the trailing filler
-- (and only it: X45 and the other X-chapter codes keep their X). The primary diagnosis is here;
-- every position, primary and the 19 secondary ones, is in stg_apc__diagnoses.
select
    APCE_Ident as episode_id,
    person_id,
    Admission_Date as admission_date,
    Discharge_Date as discharge_date,
    Episode_Start_Date as episode_start_date,
    Episode_End_Date as episode_end_date,
    Episode_Number as episode_number,
    Admission_Method as admission_method,
    Source_of_Admission as admission_source,
    Discharge_Destination as discharge_destination,
    Discharge_Method as discharge_method,
    Patient_Classification as patient_classification,
    {{ icd10_code('Primary_Diagnosis_Code') }} as primary_diagnosis_icd10,
    Der_Postcode_LSOA_Code as lsoa11cd,
    Ethnic_Group as ethnic_category,
    Sex as sex_code,
    Age_On_Admission as age_on_admission,
    Der_Provider_Code as provider_code,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(source('apc', 'apc_episodes'), ['APCE_Ident']) }} as episodes

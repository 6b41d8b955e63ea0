{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='delete+insert',
          unique_key='attendance_id', on_schema_change='fail') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Incremental by delivery on DuckDB (macro incremental_where_engine_allows): a refresh ranks again only
-- the keys delivered since the table was built (macro latest_versions).
-- One row per emergency-care attendance; a re-submitted attendance (same EC_Ident) replaces the
-- earlier version.
select
    EC_Ident as attendance_id,
    person_id,
    Der_Provider_Code as provider_code,
    Der_Provider_Site_Code as provider_site_code,
    EC_Department_Type as department_type,
    EC_AttendanceCategory as attendance_category,
    Der_EC_Arrival_Date_Time as arrival_at,
    cast(Der_EC_Arrival_Date_Time as date) as arrival_date,
    Der_EC_Departure_Date_Time as departure_at,
    EC_Arrival_Mode_SNOMED_CT as arrival_mode_snomed,
    EC_Acuity_SNOMED_CT as acuity_snomed,
    Discharge_Destination_SNOMED_CT as discharge_destination_snomed,
    Der_Postcode_LSOA_Code as lsoa11cd,
    Sex as sex_code,
    Der_Age_At_CDS_Activity_Date as age_at_arrival,
    -- Unplanned ED attendance (docs/methods.md#shared-code-lists; var unplanned_ed).
    (EC_Department_Type in ({{ "'" ~ var('unplanned_ed').department_types | join("', '") ~ "'" }})
        and EC_AttendanceCategory <> '{{ var('unplanned_ed').planned_follow_up_category }}') as is_unplanned,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(source('ecds', 'ecds_attendances'), ['EC_Ident']) }} as attendances

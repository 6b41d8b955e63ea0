{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='append',
          on_schema_change='fail', pre_hook='{{ delete_redelivered_social_care_events() }}') }}
-- A table, not a view: five models and its tests read it, and a view ranks the whole extract again
-- for each (0.7 s a read at 1.2M people, docs/scaling.md).
-- Incremental by delivery on DuckDB, like the other staging tables (macro latest_versions), but
-- its key holds NULLs (a request has no service type), so the keys are matched with IS NOT
-- DISTINCT FROM and the pre-hook deletes the re-delivered keys' rows before they are appended
-- (macro delete_redelivered_keys; delete+insert matches keys with =, which no NULL equals).
-- One row per social-care event. CLD stacks every submission, and an "open" copy of a service
-- persists after a later copy closes it, so events are keyed as NHS England's CLD code does
-- (macro social_care_event_key) and the copy with the latest ImportDate wins.
select
    LA_Code as local_authority_code,
    Der_Unique_Record_ID as record_id,
    coalesce(person_id, 'LA:' || Der_LA_Person_Unique_Identifier_Pseudo) as client_id,
    person_id,
    Der_Birth_Year as birth_year,
    Der_Birth_Month as birth_month_number,
    Gender as gender,
    Client_Type as client_type,
    Event_Type as event_type,
    Event_Start_Date as event_start_date,
    Event_End_Date as event_end_date,
    Service_Type as service_type,
    Service_Component as service_component,
    Delivery_Mechanism as delivery_mechanism,
    Request_Route_of_Access as request_route_of_access,
    Event_Outcome as event_outcome,
    Primary_Support_Reason as primary_support_reason,
    Accommodation_Status as accommodation_status,
    Employment_Status as employment_status,
    ImportDate as import_date,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(source('social_care', 'asc_cld_events'), social_care_event_key('raw'),
                        newest_first='ImportDate desc, extract_date desc', nullable_keys=true) }} as events

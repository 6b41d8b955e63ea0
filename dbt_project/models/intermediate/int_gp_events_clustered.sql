{{ config(materialized='table') }}
-- GP coded events with the Primary Care Domain cluster of their SNOMED code (ref_clinical_codes);
-- events whose code is in no cluster the indicators use are left out.
select
    events.event_id,
    events.person_id,
    events.event_date,
    codes.cluster_id,
    events.snomed_code,
    events.value_numeric
from {{ ref('stg_gp__events') }} as events
inner join {{ ref('ref_clinical_codes') }} as codes
    on codes.code_system = 'snomed'
    and events.snomed_code = cast(codes.code as bigint)

{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='append',
          on_schema_change='fail',
          pre_hook='{{ delete_gp_events_not_yet_clustered() }}') }}
-- GP coded events with the Primary Care Domain cluster of their SNOMED code (ref_clinical_codes);
-- events whose code is in no cluster the indicators use are left out.
-- Incremental with stg_gp__events, on DuckDB: a refresh takes only the events whose latest version
-- came in a delivery this table has not seen (macro gp_events_not_yet_clustered). Its pre-hook
-- (macro delete_gp_events_not_yet_clustered) deletes their old rows first, so that an event
-- re-delivered with a code in no cluster loses its row (delete+insert would keep it: that deletes
-- only the keys it inserts). A changed code list (ref_clinical_codes) reaches the events already
-- here only by a full rebuild, which a build after any change to the project makes
-- (pipelines/warehouse/fingerprint.py).
select
    events.event_id,
    events.person_id,
    events.event_date,
    codes.cluster_id,
    events.snomed_code,
    events.value_numeric,
    events.batch_id
from {{ ref('stg_gp__events') }} as events
inner join {{ ref('ref_clinical_codes') }} as codes
    on codes.code_system = 'snomed'
    and events.snomed_code = cast(codes.code as bigint)
{%- if is_incremental() %}
where {{ gp_events_not_yet_clustered() }}
{%- endif %}

{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='delete+insert',
          unique_key='event_id', on_schema_change='fail') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Incremental by delivery on DuckDB (macro incremental_where_engine_allows): a refresh ranks again only
-- the keys delivered since the table was built (macro latest_versions).
-- One row per coded primary-care event: the latest delivered version of each event_id wins.
-- Dates after the extract date (booked, or keyed wrongly) are capped at it
-- (data_contracts/README.md#gp_events).
select
    event_id,
    person_id,
    practice_code,
    least(clinical_effective_date, extract_date) as event_date,
    recorded_date,
    snomed_code,
    value_numeric,
    value_unit,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(source('gp', 'gp_events'), ['event_id']) }} as events

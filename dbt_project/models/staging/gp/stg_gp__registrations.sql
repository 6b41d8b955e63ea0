{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='delete+insert',
          unique_key=['person_id', 'practice_code', 'registration_start_date'], on_schema_change='fail') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Incremental by delivery on DuckDB (macro incremental_where_engine_allows): a refresh ranks again only
-- the keys delivered since the table was built (macro latest_versions).
-- One row per registration (person x practice x start): the latest delivered version wins.
select
    person_id,
    sex as sex_code,
    birth_year_month as birth_month,
    ethnic_category,
    lsoa11 as lsoa11cd,
    practice_code,
    registration_start_date,
    registration_end_date,
    date_of_death,
    extract_date,
    _batch_id as batch_id,
    -- the order the delivery landed in: int_persons, int_person_registrations and int_gp_addresses
    -- build again the people of later deliveries (macro people_with_new_registrations)
    _delivery_seq as delivery_seq
from {{ latest_versions(source('gp', 'gp_registrations'),
                        ['person_id', 'practice_code', 'registration_start_date']) }} as registrations

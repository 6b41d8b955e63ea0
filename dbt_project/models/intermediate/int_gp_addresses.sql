{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='append',
          on_schema_change='fail', pre_hook='{{ delete_gp_addresses_to_build_again() }}') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Each person's registered address over time (GP registrations): an address holds from the start
-- of its registration until the next registration with an address starts (address_to, exclusive;
-- NULL for the latest; two registrations starting the same day: the higher practice code).
-- Hospital admissions and deaths whose record has no LSOA take the address that held on the event
-- date (docs/methods.md#breakdowns).
-- Incremental on DuckDB (macro incremental_where_engine_allows): a refresh builds again only the
-- people with a registration of a delivery it has not taken in (macro people_with_new_registrations);
-- its pre-hook deletes their rows first, as a person whose new registration has no LSOA may be
-- left with fewer addresses, or none.
with registrations as (
    select
        person_id,
        registration_start_date,
        lsoa11cd,
        practice_code,
        -- the newest delivery of the person's registrations: the table's newest is the last it took in
        max(delivery_seq) over (partition by person_id) as registrations_delivery_seq
    from {{ ref('stg_gp__registrations') }}
    where person_id is not null
    {%- if is_incremental() %}
        and person_id in ({{ people_with_new_registrations() }})
    {%- endif %}
),

addresses as (
    select
        person_id,
        registration_start_date as address_from,
        lsoa11cd,
        registrations_delivery_seq,
        row_number() over (
            partition by person_id, registration_start_date
            order by practice_code desc
        ) as pick
    from registrations
    where lsoa11cd is not null
)

select
    person_id,
    lsoa11cd,
    address_from,
    lead(address_from) over (partition by person_id order by address_from) as address_to,
    registrations_delivery_seq
from addresses
where pick = 1

{{ config(materialized='table') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Each person's registered address over time (GP registrations): an address holds from the start
-- of its registration until the next registration with an address starts (address_to, exclusive;
-- NULL for the latest; two registrations starting the same day: the higher practice code).
-- Hospital admissions and deaths whose record has no LSOA take the address that held on the event
-- date (docs/methods.md#breakdowns).
with addresses as (
    select
        person_id,
        registration_start_date as address_from,
        lsoa11cd,
        row_number() over (
            partition by person_id, registration_start_date
            order by practice_code desc
        ) as pick
    from {{ ref('stg_gp__registrations') }}
    where person_id is not null and lsoa11cd is not null
)

select
    person_id,
    lsoa11cd,
    address_from,
    lead(address_from) over (partition by person_id order by address_from) as address_to
from addresses
where pick = 1

{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='delete+insert',
          unique_key='person_id', on_schema_change='fail') }}
-- Each GP registration of a person known to primary care, with who the person is (int_persons:
-- sex, ethnic group, month of birth, date of death) and how many registrations they have: what the
-- registered populations are found from (macro registered_people: int_registered_population and
-- int_population_at_risk). Joined and counted once here: each of those models did both over every
-- registration, in a monthly refresh at 1.2M people most of int_registered_population's time and
-- a third of int_population_at_risk's (docs/scaling.md change 22).
-- Incremental on DuckDB, like int_persons and for the same people (macro people_to_build_again):
-- a person's registrations and who they are change only with a new delivery of theirs or a death.
-- (The deaths are read only on an incremental run, so dbt is told of them here:)
-- depends_on: {{ ref('stg_civil_registration__deaths') }}
with
{%- if is_incremental() %}
people_to_build as (
    {{ people_to_build_again() }}
),
{%- endif %}

registrations as (
    select person_id, practice_code, registration_start_date, registration_end_date, lsoa11cd
    from {{ ref('stg_gp__registrations') }}
    {%- if is_incremental() %}
    where person_id in (select person_id from people_to_build)
    {%- endif %}
)

select
    registrations.person_id,
    registrations.practice_code,
    registrations.registration_start_date,
    registrations.registration_end_date,
    registrations.lsoa11cd,
    persons.sex,
    persons.ethnicity_group,
    persons.birth_month,
    persons.date_of_death,
    count(*) over (partition by registrations.person_id) as registrations_of_person,
    -- the newest delivery of the person's registrations as int_persons took them in, not as staging
    -- holds them: after a partial build that left int_persons behind staging, the people of the
    -- deliveries it has not taken in are built here again with it, never marked done before it
    persons.registrations_delivery_seq
from registrations
inner join {{ ref('int_persons') }} as persons
    on registrations.person_id = persons.person_id

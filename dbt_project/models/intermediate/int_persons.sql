{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='delete+insert',
          unique_key='person_id', on_schema_change='fail') }}
-- One row per person known to primary care: sex, month of birth, ethnicity (latest recorded) and
-- date of death (civil registration, the legal record of a death, wins over the GP record), and the address of
-- the latest registration with its deprivation and ICS area: the residence of indicators that have
-- no dated address of their own (social care, care homes, the end-of-life register). A table:
-- most intermediate models and many indicators read it.
-- Incremental on DuckDB (macro incremental_where_engine_allows): a refresh builds again only the
-- people a new delivery can have changed (macro people_to_build_again), and replaces their rows.
-- Nobody leaves the table: a person's registrations are replaced, never taken away (macro
-- people_with_new_registrations). Areas and code lists change only with the project, which rebuilds
-- everything (pipelines/warehouse/fingerprint.py).
with
{%- if is_incremental() %}
people_to_build as (
    {{ people_to_build_again() }}
),
{%- endif %}

registrations as (
    select
        *,
        row_number() over (partition by person_id order by registration_start_date desc,
                           extract_date desc, practice_code desc) as recency,
        max(delivery_seq) over (partition by person_id) as registrations_delivery_seq
    from {{ ref('stg_gp__registrations') }}
    {%- if is_incremental() %}
    where person_id in (select person_id from people_to_build)
    {%- endif %}
),

latest_ethnicity as (
    select
        person_id,
        ethnic_category,
        row_number() over (partition by person_id order by extract_date desc,
                           registration_start_date desc, practice_code desc) as recency
    from {{ ref('stg_gp__registrations') }}
    where ethnic_category is not null and ethnic_category not in ('Z', '99')
    {%- if is_incremental() %}
        and person_id in (select person_id from people_to_build)
    {%- endif %}
),

registered_deaths as (
    select person_id, min(date_of_death) as date_of_death
    from {{ ref('stg_civil_registration__deaths') }}
    where person_id is not null
    group by person_id
)

select
    registrations.person_id,
    registrations.sex_code,
    {{ sex_label('registrations.sex_code') }} as sex,
    registrations.birth_month,
    coalesce(latest_ethnicity.ethnic_category, registrations.ethnic_category) as ethnic_category,
    {{ ethnicity_group('coalesce(latest_ethnicity.ethnic_category, registrations.ethnic_category)') }}
        as ethnicity_group,
    coalesce(registered_deaths.date_of_death, registrations.date_of_death) as date_of_death,
    registrations.lsoa11cd as latest_lsoa11cd,
    areas.imd_quintile,
    areas.lad19cd,
    areas.lad19nm,
    areas.place_code,
    areas.place_name,
    -- the newest delivery of the person's registrations: the table's newest is the last one it took in
    registrations.registrations_delivery_seq
from registrations
left join latest_ethnicity
    on registrations.person_id = latest_ethnicity.person_id and latest_ethnicity.recency = 1
left join registered_deaths
    on registrations.person_id = registered_deaths.person_id
left join {{ ref('int_lsoas_with_areas') }} as areas
    on registrations.lsoa11cd = areas.lsoa11cd
where registrations.recency = 1

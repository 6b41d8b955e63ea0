{{ config(materialized='table') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Care-home residence per person: from the first evidence until death (either of two kinds: a GP
-- care-home code, or an adult social care long-term residential or nursing service).
-- identified_by records which came first. No "moved out" codes are in the feeds,
-- so residence lasts until death.
with evidence as (
    select person_id, event_date as evidence_date, 'gp_code' as identified_by
    from {{ ref('int_gp_events_clustered') }}
    where cluster_id in ('CAREHOME_COD', 'NURSHOME_COD', 'RESIDHOME_COD')
    union all
    select person_id, event_start_date, 'social_care_service'
    from {{ ref('stg_social_care__events') }}
    where person_id is not null
        and service_type in ('Long Term Support: Residential Care', 'Long Term Support: Nursing Care')
),

ranked as (
    select
        *,
        row_number() over (partition by person_id order by evidence_date, identified_by) as rank
    from evidence
)

select
    ranked.person_id,
    ranked.evidence_date as resident_from,
    persons.date_of_death as resident_to,
    ranked.identified_by
from ranked
left join {{ ref('int_persons') }} as persons
    on ranked.person_id = persons.person_id
where ranked.rank = 1

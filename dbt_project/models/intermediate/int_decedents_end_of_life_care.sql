{{ config(materialized='table') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- Each linked death with the end-of-life care recorded before it: the last preferred place of
-- death recorded before death (EPaCCS, SCCI1580 item 36) and the first advance care planning
-- evidence (docs/indicators.md#eol-03, docs/indicators.md#eol-04). Actual place of death comes from civil
-- registration.
with deaths as (
    select * from {{ ref('int_deaths_with_residence') }}
    where person_id is not null
),

preferences as (
    select
        deaths.person_id,
        deaths.date_of_death,
        records.preferred_place_of_death,
        row_number() over (
            partition by deaths.person_id, deaths.date_of_death
            order by records.record_created_date desc, records.extract_date desc,
                records.preferred_place_of_death
        ) as recency
    from deaths
    inner join {{ ref('stg_epaccs__records') }} as records
        on deaths.person_id = records.person_id
        and records.record_created_date < deaths.date_of_death
    where records.preferred_place_of_death in ('10', '21', '22', '30', '40', '50')
),

care_planning as (
    -- advance care plan codes in primary care (PALCARE_COD members), EPaCCS plans, preferences
    -- and DNACPR decisions (docs/indicators.md#eol-04)
    select person_id, event_date as recorded_on
    from {{ ref('int_gp_events_clustered') }}
    where snomed_code in (1095151000000107, 713673000)
    union all
    select person_id, advance_care_plan_date from {{ ref('stg_epaccs__records') }}
    where advance_care_plan_date is not null
    union all
    select person_id, record_created_date from {{ ref('stg_epaccs__records') }}
    where preferred_place_of_death is not null
    union all
    select person_id, cpr_decision_date from {{ ref('stg_epaccs__records') }}
    where cpr_decision_snomed = 450476008 and cpr_decision_date is not null
),

first_care_plan as (
    select deaths.person_id, deaths.date_of_death, min(care_planning.recorded_on) as first_recorded_on
    from deaths
    inner join care_planning
        on deaths.person_id = care_planning.person_id
        and care_planning.recorded_on <= deaths.date_of_death
    group by deaths.person_id, deaths.date_of_death
)

select
    deaths.*,
    preferences.preferred_place_of_death,
    case
        when preferences.preferred_place_of_death is null then null
        when preferences.preferred_place_of_death = '10' then deaths.place_of_death_group = 'hospital'
        when preferences.preferred_place_of_death in ('21', '22') then deaths.place_of_death_group = 'home'
        when preferences.preferred_place_of_death = '30' then deaths.place_of_death_group = 'hospice'
        when preferences.preferred_place_of_death = '40' then deaths.place_of_death_group = 'care_home'
        else deaths.place_of_death_group = 'other'
    end as died_in_preferred_place,
    first_care_plan.first_recorded_on as care_plan_first_recorded_on
from deaths
left join preferences
    on deaths.person_id = preferences.person_id
    and deaths.date_of_death = preferences.date_of_death
    and preferences.recency = 1
left join first_care_plan
    on deaths.person_id = first_care_plan.person_id
    and deaths.date_of_death = first_care_plan.date_of_death

{{ config(materialized='table') }}
-- A table, not a view: three indicators read it (each recomputed it, 2 s a read at 1.2M people).
-- Adult social care clients (service users) per reporting year: long-term support received in the
-- year and the latest recorded status (ASCOF-style client measures: PC-04, A4-01, A4-02).
-- Residence and breakdowns come from the linked GP record; age from the CLD birth year and month.
with events as (
    select * from {{ ref('stg_social_care__events') }}
    where client_type = 'Service User'
),

in_year as (
    select
        periods.period, periods.period_start, periods.period_end,
        events.*,
        row_number() over (
            partition by periods.period, events.client_id
            order by events.event_start_date desc, events.import_date desc, events.record_id desc
        ) as recency
    from events
    inner join {{ ref('int_reporting_periods') }} as periods
        on events.event_start_date <= periods.period_end
        and (events.event_end_date is null or events.event_end_date >= periods.period_start)
),

clients as (
    select
        period, period_start, period_end, client_id,
        max(person_id) as person_id,
        max(birth_year) as birth_year,
        max(birth_month_number) as birth_month_number,
        max(case when service_type like 'Long Term Support:%' then 1 else 0 end) as had_long_term_support,
        max(case when service_type = 'Long Term Support: Community' then 1 else 0 end)
            as had_community_long_term_support,
        max(case when service_type = 'Long Term Support: Community'
                 and delivery_mechanism = 'Direct Payment' then 1 else 0 end) as had_direct_payment,
        max(case when primary_support_reason = 'Learning Disability Support' then 1 else 0 end)
            as learning_disability_support,
        max(case when recency = 1 then employment_status end) as latest_employment_status,
        max(case when recency = 1 then accommodation_status end) as latest_accommodation_status
    from in_year
    group by period, period_start, period_end, client_id
)

select
    clients.*,
    {{ age_from_birth_year_month('clients.birth_year', 'clients.birth_month_number',
                                 'clients.period_end') }} as age,
    persons.sex,
    persons.ethnicity_group,
    persons.imd_quintile, persons.lad19cd, persons.lad19nm, persons.place_code, persons.place_name
from clients
left join {{ ref('int_persons') }} as persons
    on clients.person_id = persons.person_id

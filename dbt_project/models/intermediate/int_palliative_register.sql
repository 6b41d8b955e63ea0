-- People on the palliative care / end-of-life register, from the first PALCARE_COD code in primary
-- care or the first EPaCCS record, whichever is earlier, until death (docs/indicators.md#a3-07,
-- docs/indicators.md#eol-05).
with entries as (
    select person_id, event_date as entered_on, 'gp' as source
    from {{ ref('int_gp_events_clustered') }}
    where cluster_id = 'PALCARE_COD'
    union all
    select person_id, record_created_date, 'epaccs'
    from {{ ref('stg_epaccs__records') }}
)

select
    entries.person_id,
    min(entries.entered_on) as entered_on,
    max(persons.date_of_death) as date_of_death
from entries
left join {{ ref('int_persons') }} as persons
    on entries.person_id = persons.person_id
group by entries.person_id

{{ config(materialized='table') }}
-- The spells each person spends on each primary-care register (var register_resolutions): the QOF
-- rule, a person is on a register from a register code until a resolution code (resolved, in
-- remission, not indicated) later than their latest register code; a register code after that puts
-- them back on. On the day of both, the register code wins ("later than" is strict). An EPaCCS
-- record counts as an entry to the palliative care register (PALCARE_COD), as int_palliative_register
-- always did. left_on is the first day off the register (NULL: still on).
{%- set resolutions = var('register_resolutions') %}
with register_codes as (
    select * from (values
        {%- for register, resolution in resolutions.items() %}
        ('{{ register }}', '{{ register }}', 1){% if resolution %},
        ('{{ resolution }}', '{{ register }}', 0){% endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as clusters (cluster_id, register, is_entry)
),

events as (
    select events.person_id, register_codes.register, events.event_date, register_codes.is_entry
    from {{ ref('int_gp_events_clustered') }} as events
    inner join register_codes
        on events.cluster_id = register_codes.cluster_id
    union all
    select person_id, 'PALCARE_COD', record_created_date, 1
    from {{ ref('stg_epaccs__records') }}
),

changes as (
    -- the events that change the person's state; on a day with both, the entry is taken last
    select
        person_id, register, event_date, is_entry,
        lag(is_entry) over (partition by person_id, register
                            order by event_date, is_entry) as was_entry
    from events
),

state_changes as (
    -- a resolution before any register code changes nothing
    select * from changes
    where is_entry is distinct from coalesce(was_entry, 0)
)

select person_id, register, entered_on, left_on
from (
    select
        person_id, register, is_entry,
        event_date as entered_on,
        lead(event_date) over (partition by person_id, register
                               order by event_date, is_entry) as left_on
    from state_changes
) as spells
where is_entry = 1

-- The first day each activity source's records cover: the first day of the month of its earliest
-- record. A look-back window (the 90 days before a death) that starts before it counts less than
-- happened, so the periods whose windows do are flagged, not published as if complete
-- (macro lookback_starts_before_data; docs/methods.md#incomplete-look-back).
select
    'ecds_attendances' as source,
    cast({{ dbt.date_trunc('month', 'min(arrival_date)') }} as date) as covered_from
from {{ ref('stg_ecds__attendances') }}
union all
select
    'apc_episodes',
    cast({{ dbt.date_trunc('month', 'min(episode_start_date)') }} as date)
from {{ ref('stg_apc__episodes') }}

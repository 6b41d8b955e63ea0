{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='append',
          on_schema_change='fail',
          pre_hook='{{ delete_redelivered_episodes_diagnoses() }}') }}
-- One row per episode and coded diagnosis position, numbered as HES numbers them: position 1 is
-- the primary diagnosis (Primary_Diagnosis_Code), positions 2 to 20 the secondary ones
-- (Secondary_Diagnosis_01 to _19, every position of the contract data_contracts/apc_episodes.yml).
-- Indicators that look for a code in any position (alcohol-specific, falls' external cause, the
-- COPD secondary of the J20 rule) read this model through macro apc_diagnosis_in_group. Empty
-- positions are left out; codes go through macro icd10_code like the primary in stg_apc__episodes.
-- A table: the indicators look episodes up in it many times. Incremental by delivery on DuckDB,
-- like stg_apc__episodes: batch_id (the winning version's delivery) tells which deliveries it holds;
-- its pre-hook (macro delete_redelivered_episodes_diagnoses) first deletes every row of the
-- re-delivered episodes (an episode's new version may have no code left), and their new rows are
-- appended.
with episodes as (
    select * from {{ latest_versions(source('apc', 'apc_episodes'), ['APCE_Ident']) }}
),

positions as (
    -- each episode read once and crossed with the twenty positions, each taking its own column:
    -- a branch per position read the ranked episodes twenty times (DuckDB materialised them),
    -- twice the time at 1.2M people (docs/scaling.md, change 20)
    select
        episodes.APCE_Ident as episode_id,
        position_numbers.n as diagnosis_position,
        case position_numbers.n
            when 1 then episodes.Primary_Diagnosis_Code
            {%- for n in range(1, 20) %}
            when {{ n + 1 }} then episodes.Secondary_Diagnosis_{{ '%02d' % n }}
            {%- endfor %}
        end as code,
        episodes._batch_id as batch_id
    from episodes
    cross join (values {% for n in range(1, 21) %}({{ n }}){{ ', ' if not loop.last }}{% endfor %}) as position_numbers (n)
)

select
    episode_id,
    diagnosis_position,
    {{ icd10_code('code') }} as icd10_code,
    batch_id
from positions
where nullif(trim(code), '') is not null

{% macro open_periods(periods) -%}
{#- The reporting periods a monthly refresh builds again (the revision policy, docs/running.md):
    the latest var('open_periods') periods of each period type, and the calendar years that an
    open pooled period adds up (a pooled rate sums their mid-year populations, so it is open only
    if they are: a kept calendar year would leave the latest pooled rate unlike a full rebuild's).
    `periods`: a relation with int_periods' columns. One row per period: period. (Its CTE names
    are prefixed: it is nested in the per-period models' own CTEs.) -#}
with open_periods__ranked as (
    select
        period, period_type, period_start, period_end,
        row_number() over (partition by period_type order by period_start desc) as recency
    from {{ periods }}
),

open_periods__latest as (
    select * from open_periods__ranked where recency <= {{ var('open_periods') }}
)

select period from open_periods__latest
union
select years.period
from open_periods__ranked as years
inner join open_periods__latest as pooled
    on pooled.period_type like 'calendar_years_pooled_%'
    and years.period_start >= pooled.period_start
    and years.period_end <= pooled.period_end
where years.period_type = 'calendar_year'
{%- endmacro %}


{% macro in_periods_to_build(period_column) -%}
{#- A filter for an incremental per-period model (unique_key and partition 'period', strategy
    period_incremental_strategy: delete+insert on DuckDB, insert_overwrite on Spark): on an
    incremental run, only the open periods (macro open_periods, listed in int_open_periods) and
    any period the model does not hold yet; on a first or full-refresh build, every period. -#}
{%- if is_incremental() -%}
    {{ period_column }} in (
        select period from ({{ open_periods(ref('int_periods')) }}) as open_periods
        union
        select period from {{ ref('int_periods') }}
        where period not in (select distinct period from {{ this }})
    )
{%- else -%}
    true
{%- endif -%}
{%- endmacro %}

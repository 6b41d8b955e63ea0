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


{% macro in_periods_to_build(period_column, provisional_deaths=false, deaths_by=none,
                             inline=false) -%}
{#- A filter for an incremental per-period model: on an incremental run, only the open periods
    (macro open_periods, listed in int_open_periods) and any period the model does not hold yet;
    on a first or full-refresh build, every period.
    Its callers: the intermediate per-period models (unique_key and partition 'period', strategy
    period_incremental_strategy: delete+insert on DuckDB, insert_overwrite on Spark) and the
    indicator models (macro indicator_rows: delete+insert on DuckDB after a pre-hook that deletes
    the same periods, so a period left with no rows loses its old ones; tables on Spark).
    `provisional_deaths`: the model counts deaths (an indicator on the deaths extract), so its
    periods still provisional are built again too (macro deaths_still_provisional, with
    `deaths_by`): a period is never kept while its deaths are not all registered.
    `inline`: the periods are looked up when the model runs and written into its SQL as a list, so
    that the engine filters the model's inputs by them (a filter by subquery is applied only to
    the finished rows: the indicator models computed every period and kept a few). A unit test
    has no warehouse to look them up in: it gets the subquery, the same rule. -#}
{#- The refs are taken when dbt parses the model too, as it records dependencies then (and
    is_incremental() is false then); otherwise only on an incremental run, as a unit test given no
    periods or deaths must not ask for them. provisional_deaths is false at parse time for an
    indicator model (its YAML is not attached yet): indicator_rows takes that ref itself. -#}
{%- if not execute -%}
    {%- do ref('int_periods') -%}
{%- endif -%}
{%- if incremental_run() -%}
    {%- set periods = ref('int_periods') -%}
    {%- if provisional_deaths -%}
        {%- set covered_to = deaths_extract_covered_to() -%}
    {%- endif -%}
    {%- set to_build -%}
        select period from ({{ open_periods(periods) }}) as open_periods
        union
        select period from {{ periods }}
        where period not in (select distinct period from {{ this }})
        {%- if provisional_deaths %}
        union
        select periods.period
        from {{ periods }} as periods
        cross join {{ covered_to }} as deaths_extract
        where {{ deaths_still_provisional('periods.period_end', 'deaths_extract.covered_to', deaths_by) }}
        {%- endif %}
    {%- endset -%}
    {%- if inline and execute and model.resource_type != 'unit_test' -%}
        {%- set found = run_query('select period from (' ~ to_build ~ ') as to_build order by 1').columns[0].values() -%}
    {{ in_period_list(period_column, found) }}
    {%- else -%}
    {{ period_column }} in ({{ to_build }})
    {%- endif -%}
{%- else -%}
    true
{%- endif -%}
{%- endmacro %}


{% macro incremental_run() -%}
{#- is_incremental(), except in a unit test given no `this`: there dbt's macro fails (it looks the
    model's table up through `this`), and the model is built as a first build would be. A unit
    test of an incremental run sets is_incremental and gives `this`. -#}
{%- if model.resource_type == 'unit_test' and this is none -%}
    {{ return(false) }}
{%- endif -%}
{{ return(is_incremental()) }}
{%- endmacro %}


{% macro in_period_list(period_column, periods) -%}
{#- `period_column` is one of `periods`, written into the SQL as literals (false when there are
    none). -#}
{%- if periods | length > 0 -%}
    {{ period_column }} in ({% for period in periods %}'{{ period | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %})
{%- else -%}
    false
{%- endif -%}
{%- endmacro %}

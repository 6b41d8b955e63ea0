{% macro in_periods_to_build(period_column) -%}
{#- A filter for an incremental per-period model (unique_key and partition 'period', strategy
    period_incremental_strategy: delete+insert on DuckDB, insert_overwrite on Spark): on an
    incremental run, only the latest var('open_periods') reporting periods of each period type
    and any period the model does not hold yet; on a first or full-refresh build, every period. -#}
{%- if is_incremental() -%}
    {{ period_column }} in (
        select period
        from (
            select
                period,
                row_number() over (partition by period_type order by period_start desc) as recency
            from {{ ref('int_periods') }}
        ) as periods
        where recency <= {{ var('open_periods') }}
            or period not in (select distinct period from {{ this }})
    )
{%- else -%}
    true
{%- endif -%}
{%- endmacro %}

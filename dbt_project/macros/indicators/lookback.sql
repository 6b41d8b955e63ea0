{#- The activity sources a look-back can run over, each with its staging model and the date column
    whose months it covers: one home, read by int_source_coverage and checked by the macro below. -#}
{% macro lookback_sources() -%}
    {{ return({'ecds_attendances': ('stg_ecds__attendances', 'arrival_date'),
               'apc_episodes': ('stg_apc__episodes', 'episode_start_date')}) }}
{%- endmacro %}

{#- Whether a look-back window of `days` days before `window_end_expr` (a period's first day: its
    earliest window) starts before `source`'s records do (int_source_coverage). Such a period
    counts less than happened (docs/methods.md#incomplete-look-back). A source with no records
    covers nothing: every window is incomplete. A source with no coverage defined is an error, not
    a silently incomplete indicator. -#}
{% macro lookback_starts_before_data(window_end_expr, days, source) -%}
{%- if source not in lookback_sources() -%}
    {{ exceptions.raise_compiler_error("look-back over '" ~ source ~ "': not one of the sources "
        ~ "int_source_coverage covers (" ~ (lookback_sources().keys() | list | join(', '))
        ~ "); add it to macro lookback_sources") }}
{%- endif -%}
coalesce(
    {{ dbt.dateadd('day', -days, window_end_expr) }}
        < (select covered_from from {{ ref('int_source_coverage') }} where source = '{{ source }}'),
    true)
{%- endmacro %}

{#- Whether a look-back window of `days` days before `window_end_expr` (a period's first day: its
    earliest window) starts before `source`'s records do (int_source_coverage). Such a period
    counts less than happened (docs/methods.md#incomplete-look-back). A source with no records
    covers nothing: every window is incomplete. -#}
{% macro lookback_starts_before_data(window_end_expr, days, source) -%}
coalesce(
    {{ dbt.dateadd('day', -days, window_end_expr) }}
        < (select covered_from from {{ ref('int_source_coverage') }} where source = '{{ source }}'),
    true)
{%- endmacro %}

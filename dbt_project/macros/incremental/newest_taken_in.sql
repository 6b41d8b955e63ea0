{% macro newest_taken_in(column) -%}
{#- The greatest value of `column` in the incremental model being built (-1 when it is empty), read
    when the model runs and written into its SQL as a number: e.g. the newest delivery
    (`_delivery_seq`, numbered in landing order) whose rows the table has taken in. -#}
{%- if execute -%}
    {{- run_query("select coalesce(max(" ~ column ~ "), -1) from " ~ this).columns[0].values()[0] -}}
{%- else -%}
    -1
{%- endif -%}
{%- endmacro %}

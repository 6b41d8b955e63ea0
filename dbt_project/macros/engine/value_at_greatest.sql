{#- The value on the row whose ordering is greatest (several columns, compared left to right), in
    a group by: one aggregate instead of ranking every row with a window and keeping rank 1
    (int_registered_population at 1.2M people: 29.4 s against 21.5 s, alone). NULL when that row's
    value is NULL: DuckDB's arg_max skips NULL values (a person whose latest registration has no
    LSOA would silently take an older one), hence arg_max_null; Spark's max_by keeps them (checked
    on Spark 4.3). The ordering columns must not be NULL: the two engines order a NULL field of a
    row differently. Tied orderings give any one of the tied rows: make the ordering unique. -#}
{% macro value_at_greatest(value, ordering) -%}
    {{ return(adapter.dispatch('value_at_greatest')(value, ordering)) }}
{%- endmacro %}

{% macro default__value_at_greatest(value, ordering) -%}
    arg_max_null({{ value }}, ({{ ordering | join(', ') }}))
{%- endmacro %}

{% macro spark__value_at_greatest(value, ordering) -%}
    max_by({{ value }}, struct({{ ordering | join(', ') }}))
{%- endmacro %}

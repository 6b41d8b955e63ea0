{#- Schemas are exactly raw / reference / staging / intermediate / marts / published (no target
    prefix), so analysts and the reports find tables by their layer name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name is not none else target.schema }}
{%- endmacro %}

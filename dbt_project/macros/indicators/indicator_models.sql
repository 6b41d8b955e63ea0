{#- The names of the indicator models whose rows go into a union: every model with a
    meta.indicator block in its YAML, passed in by pipelines/warehouse/dbt.py as the var
    `indicators` (dbt's graph is empty while it parses, and a ref the parser did not see fails
    at run time, so the unions cannot look the models up themselves). `dsr`: the directly
    standardised rates (true) or every other value type (false). -#}
{% macro indicator_models(dsr) -%}
    {%- set indicators = var('indicators', {}) -%}
    {%- if not indicators -%}
        {{ exceptions.raise_compiler_error(
            "var('indicators') is empty: run dbt through pipelines/warehouse/dbt.py (pophealth "
            ~ "build), which reads the indicator models from their YAML under models/marts/indicators/") }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name, indicator in indicators | dictsort if (indicator.value_type == 'dsr') == dsr -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

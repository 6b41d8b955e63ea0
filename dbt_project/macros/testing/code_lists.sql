{#- Helpers of the test code_lists_have_members (dbt_project/tests). -#}

{% macro project_macros() -%}
    {#- (name, source) of every macro of this project (the root namespace holds them). -#}
    {%- set found = [] -%}
    {%- for name, macro in context[project_name].items() -%}
        {%- do found.append((name, macro.macro.macro_sql)) -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{% macro flatten_var(value) -%}
    {#- Every string in a var value: list items, mapping keys and values, at any depth. -#}
    {%- set found = [] -%}
    {%- if value is string -%}
        {%- do found.append(value) -%}
    {%- elif value is mapping -%}
        {%- for key, item in value.items() -%}
            {%- do found.extend(flatten_var(key)) -%}
            {%- do found.extend(flatten_var(item)) -%}
        {%- endfor -%}
    {%- elif value is iterable -%}
        {%- for item in value -%}
            {%- do found.extend(flatten_var(item)) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}

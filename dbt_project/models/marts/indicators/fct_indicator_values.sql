-- All indicators in one long table. Add each new ind_* model here (dbt needs static refs);
-- tests/dbt/test_indicator_registry.py fails if an indicator model is missing from this list.
{%- set indicator_models = [
    'ind_a3_03_eol_ed_attendance',
] %}
{% for name in indicator_models %}
select * from {{ ref(name) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}

-- All indicators in one long table: the ind_* models of proportions, crude rates and ratios, and
-- the directly standardised rates computed from fct_indicator_age_specific. The models come from
-- their YAML (macro indicator_models); tests/dbt/test_build.py checks that each one gets here.
{%- set models = indicator_models(dsr=false) %}
{%- set columns = ['indicator_id', 'period', 'period_start', 'period_end', 'area_type', 'area_code',
                  'area_name', 'breakdown', 'breakdown_value', 'numerator', 'denominator', 'value',
                  'lower_ci95', 'upper_ci95', 'lower_ci998', 'upper_ci998', 'value_type',
                  'multiplier'] %}
{#- by name, so that a model whose columns are in another order cannot misalign the union -#}
{% for name in models %}
select {{ columns | join(', ') }} from {{ ref(name) }}
union all
{%- endfor %}
select
    indicator_id, period, period_start, period_end, area_type, area_code, area_name, breakdown,
    breakdown_value, numerator, denominator, value, lower_ci95, upper_ci95, lower_ci998,
    upper_ci998, value_type, dsr_multiplier as multiplier
from (
    {{ dsr_rows(ref('fct_indicator_age_specific'),
                ['indicator_id', 'period', 'period_start', 'period_end', 'area_type', 'area_code',
                 'area_name', 'breakdown', 'breakdown_value', 'value_type']) }}
) as standardised

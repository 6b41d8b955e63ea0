-- The age-specific counts behind every directly standardised rate (value_type dsr), one row per
-- indicator, period, area, breakdown and ESP2013 age band, with its ESP2013 weight. Add each new
-- dsr ind_* model here.
{%- set age_specific_models = [
    'ind_a1_05_falls_admissions_65plus',
    'ind_a2_03_alcohol_specific_admissions',
    'ind_a2_04_under75_mortality_cvd',
    'ind_a2_05_under75_mortality_cancer',
    'ind_a2_06_under75_mortality_respiratory',
    'ind_a2_07_suicide',
    'ind_a2_11_copd_admissions_35plus',
    'ind_a2_12_asthma_admissions',
    'ind_a3_01_chronic_acsc_admissions',
] %}
{#- by name, so that a model whose columns are in another order cannot misalign the union -#}
{%- set columns = ['indicator_id', 'period', 'period_start', 'period_end', 'area_type', 'area_code',
                  'area_name', 'breakdown', 'breakdown_value', 'age_band', 'numerator',
                  'denominator', 'value_type', 'multiplier'] %}
with age_specific as (
    {%- for name in age_specific_models %}
    select {{ columns | join(', ') }} from {{ ref(name) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    age_specific.indicator_id, age_specific.period, age_specific.period_start,
    age_specific.period_end, age_specific.area_type, age_specific.area_code, age_specific.area_name,
    age_specific.breakdown, age_specific.breakdown_value, age_specific.age_band,
    age_specific.numerator, age_specific.denominator,
    cast(esp.esp2013_population as double) as standard_population,
    age_specific.value_type, age_specific.multiplier
from age_specific
inner join {{ ref('ref_esp2013') }} as esp
    on age_specific.age_band = esp.age_band

-- The age-specific counts behind every directly standardised rate (value_type dsr), one row per
-- indicator, period, area, breakdown and ESP2013 age band, with its ESP2013 weight. The models
-- come from their YAML (macro indicator_models).
{%- set models = indicator_models(dsr=true) %}
{#- by name, so that a model whose columns are in another order cannot misalign the union -#}
{%- set columns = ['indicator_id', 'period', 'period_start', 'period_end', 'area_type', 'area_code',
                  'area_name', 'breakdown', 'breakdown_value', 'age_band', 'numerator',
                  'denominator', 'value_type', 'multiplier'] %}
with age_specific as (
    {%- for name in models %}
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

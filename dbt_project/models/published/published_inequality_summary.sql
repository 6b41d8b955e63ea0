{{ config(alias='inequality_summary') }}
-- Inequality summaries after disclosure control (INDICATORS §0.3): a summary is published only
-- when none of its quintile cells, nor the area's total, was suppressed in
-- published.indicator_values - otherwise its measures could give the withheld values away.
with withheld as (
    select distinct indicator_id, period, area_type, area_code
    from {{ ref('published_indicator_values') }}
    where suppression is not null and breakdown in ('all', 'imd_quintile')
)

select
    summary.indicator_id, summary.period, summary.area_type, summary.area_code,
    {%- for column in ['sii', 'sii_lower_ci95', 'sii_upper_ci95', 'rii', 'rii_lower_ci95',
                       'rii_upper_ci95', 'q1_value', 'q5_value', 'gap_q1_q5', 'ratio_q1_q5',
                       'core20_share', 'core20_population_share'] %}
    case when withheld.indicator_id is null then summary.{{ column }} end as {{ column }},
    {%- endfor %}
    summary.value_type,
    case when withheld.indicator_id is not null then 'quintile_suppressed' end as suppression
from {{ ref('fct_inequality_summary') }} as summary
left join withheld
    on summary.indicator_id = withheld.indicator_id
    and summary.period = withheld.period
    and summary.area_type = withheld.area_type
    and summary.area_code = withheld.area_code

{#- Disclosure control, applied (docs/disclosure.md; thresholds in dbt_project.yml vars.disclosure).

    Which counts are withheld is decided once, by the disclosure_decisions model (primary and
    secondary suppression over every additive relation of the published tables). This macro
    applies it to one table: withheld counts are NULL, the others are rounded to the nearest
    round_to (0 stays 0), and every value and limit is computed again from the published counts,
    so that nothing published says more than the counts do:
      proportion        numerator / denominator, Wilson limits
      crude_rate, ratio numerator / denominator, exact Poisson / Byar limits of the numerator
                        (widened for non-independent events by the factor of the exact limits,
                        rounded: published_nonindependent_limit)
      dsr               the standardised rate itself (from age-specific counts that are never
                        published); Dobson limits with the published count in place of the exact
                        one, so the limits do not give the exact count away
      count             the published count
    A value needs all its counts published. `suppression` is 'primary' when a count of the row
    was withheld by the primary rule, 'secondary' when only to protect others. `carry` names
    columns of the relation passed through unchanged (flags about the period, never counts). -#}
{% macro disclosure_controlled(relation, table_name, carry=[]) -%}
{%- set policy = var('disclosure') -%}
{%- set key = ['indicator_id', 'period', 'area_type', 'area_code', 'breakdown', 'breakdown_value'] -%}
{%- set clustered = nonindependent_indicator_ids() if table_name == 'indicator_values' else [] -%}
with decided as (
    select
        cells.*,
        decisions.numerator_status,
        decisions.denominator_status,
        case when decisions.numerator_status is null then {{ round_count('cells.numerator') }} end
            as published_numerator,
        case when decisions.denominator_status is null then {{ round_count('cells.denominator') }} end
            as published_denominator
    from {{ relation }} as cells
    inner join {{ ref('disclosure_decisions') }} as decisions
        on decisions.table_name = '{{ table_name }}'
        {%- for column in key %}
        and decisions.{{ column }} = cells.{{ column }}
        {%- endfor %}
),

valued as (
    select
        *,
        published_numerator is not null
            and (value_type = 'count' or published_denominator is not null) as has_value
    from decided
)

select
    indicator_id, period, period_start, period_end, area_type, area_code, area_name,
    breakdown, breakdown_value,
    published_numerator as numerator,
    published_denominator as denominator,
    case when has_value then
        case value_type
            when 'count' then cast(published_numerator as double)
            when 'dsr' then value
            else published_numerator * multiplier / nullif(published_denominator, 0)
        end
    end as value,
    {%- for bound in ['lower', 'upper'] %}
    {%- for name, confidence in [('95', 0.95), ('998', 0.998)] %}
    case when has_value then
        case value_type
            when 'proportion' then
                {{ (wilson_lower if bound == 'lower' else wilson_upper)('published_numerator', 'published_denominator', confidence) }}
                * multiplier
            when 'dsr' then
                -- Dobson: value + sqrt(var / O) * (O_limit - O); sqrt(var / O) from the exact limit
                value + ({{ bound }}_ci{{ name }} - value)
                    / nullif({{ poisson_limit(bound, 'numerator', confidence) }} - numerator, 0)
                    * ({{ poisson_limit(bound, 'published_numerator', confidence) }} - published_numerator)
            when 'count' then null
            {%- if clustered %}
            else case when indicator_id in ('{{ clustered | join("', '") }}') then
                {{ published_nonindependent_limit(bound, 'published_numerator', 'numerator', 'value',
                                                  'upper_ci95', confidence) }} * multiplier
                / nullif(published_denominator, 0)
            else {{ poisson_limit(bound, 'published_numerator', confidence) }} * multiplier
                / nullif(published_denominator, 0) end
            {%- else %}
            else {{ poisson_limit(bound, 'published_numerator', confidence) }} * multiplier
                / nullif(published_denominator, 0)
            {%- endif %}
        end
    end as {{ bound }}_ci{{ name }},
    {%- endfor %}
    {%- endfor %}
    value_type,
    multiplier,
    case
        when numerator_status = 'primary' or denominator_status = 'primary' then 'primary'
        when numerator_status is not null or denominator_status is not null then 'secondary'
    end as suppression,
    (value_type = 'proportion'
        and published_denominator < {{ policy.low_numbers_denominator }}) as is_low_numbers
    {%- for column in carry %},
    {{ column }}
    {%- endfor %}
from valued
{%- endmacro %}

{% macro poisson_limit(bound, count, confidence) -%}
    {{ (poisson_lower if bound == 'lower' else poisson_upper)(count, confidence) }}
{%- endmacro %}

{% macro round_count(column) -%}
    {%- set step = var('disclosure').round_to -%}
    cast(case when {{ column }} = 0 then 0 else round({{ column }} * 1.0 / nullif({{ step }}, 0)) * {{ step }} end as bigint)
{%- endmacro %}

{#- A count published on its own (not part of a table of cells that sum to a total): suppressed
    (null) when in [suppress_min, suppress_max], otherwise rounded like every published count. -#}
{% macro publishable_count(column) -%}
    {%- set policy = var('disclosure') -%}
    case when {{ column }} between {{ policy.suppress_min }} and {{ policy.suppress_max }} then null
         else {{ round_count(column) }} end
{%- endmacro %}

{#- Disclosure control (INDICATORS §0.3), thresholds in dbt_project.yml vars [verify against the DSA].

    1. Primary: a numerator or denominator in [suppress_min, suppress_max] is suppressed.
    2. Secondary: within each set of cells that add up to a published total - the breakdown values
       of one area (they sum to its `all` row) and the areas of one type (places sum towards the
       ICS) - a single suppressed cell could be recovered by subtraction, so the next smallest cell
       of that set is suppressed too.
    3. Published counts of 8+ are rounded to the nearest round_counts_to; zero stays 0 (and the
       value of a `count` row is its rounded count).
    4. Proportions with a denominator under low_numbers_denominator are flagged. -#}
{% macro disclosure_controlled(relation) -%}
{%- set lo, hi, step = var('suppress_min'), var('suppress_max'), var('round_counts_to') -%}
with cells as (
    select
        *,
        (numerator between {{ lo }} and {{ hi }} or denominator between {{ lo }} and {{ hi }})
            as is_primary
    from {{ relation }}
),

ranked as (
    select
        *,
        sum(case when is_primary then 1 else 0 end) over (
            partition by indicator_id, period, area_type, area_code, breakdown) as primaries_in_breakdown,
        row_number() over (
            partition by indicator_id, period, area_type, area_code, breakdown, is_primary
            order by numerator, denominator, breakdown_value) as rank_in_breakdown,
        sum(case when is_primary then 1 else 0 end) over (
            partition by indicator_id, period, area_type, breakdown, breakdown_value) as primaries_in_areas,
        row_number() over (
            partition by indicator_id, period, area_type, breakdown, breakdown_value, is_primary
            order by numerator, denominator, area_code) as rank_in_areas
    from cells
),

flagged as (
    select
        *,
        case
            when is_primary then 'primary'
            when breakdown <> 'all' and primaries_in_breakdown = 1 and rank_in_breakdown = 1
                then 'secondary'
            when area_type <> 'ics' and primaries_in_areas = 1 and rank_in_areas = 1
                then 'secondary'
        end as suppression
    from ranked
)

select
    indicator_id, period, period_start, period_end, area_type, area_code, area_name,
    breakdown, breakdown_value,
    case when suppression is null then {{ round_count('numerator', step) }} end as numerator,
    case when suppression is null then {{ round_count('denominator', step) }} end as denominator,
    -- a count's value is the count itself, so it is published rounded like the numerator
    case when suppression is null then
        case when value_type = 'count' then {{ round_count('numerator', step) }} else value end
    end as value,
    case when suppression is null then lower_ci95 end as lower_ci95,
    case when suppression is null then upper_ci95 end as upper_ci95,
    case when suppression is null then lower_ci998 end as lower_ci998,
    case when suppression is null then upper_ci998 end as upper_ci998,
    value_type,
    multiplier,
    suppression,
    (value_type = 'proportion' and denominator < {{ var('low_numbers_denominator') }}) as is_low_numbers
from flagged
{%- endmacro %}

{% macro round_count(column, step) -%}
    cast(case when {{ column }} = 0 then 0 else round({{ column }} * 1.0 / {{ step }}) * {{ step }} end as bigint)
{%- endmacro %}

{#- A count published on its own (not part of a table of cells that sum to a total): suppressed
    (null) when in [suppress_min, suppress_max], otherwise rounded like every published count. -#}
{% macro publishable_count(column) -%}
    case when {{ column }} between {{ var('suppress_min') }} and {{ var('suppress_max') }} then null
         else {{ round_count(column, var('round_counts_to')) }} end
{%- endmacro %}

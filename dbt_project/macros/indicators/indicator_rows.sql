{#- Shared shape of every indicator: the long format of marts.fct_indicator_values.

    Called as a block, `{% call proportion_indicator_rows('flag') %} select ... {% endcall %}`:
    the block's query (the cohort) has one row per unit counted in the denominator and:
    period, period_start, period_end, place_code, place_name, lad19cd, lad19nm, imd_quintile and a
    0/1 column named by `numerator_flag`. Each row is counted for the ICS, its place and its local
    authority (when known), once for the `all` breakdown and once for its IMD quintile (`Unknown`
    when the LSOA is not known). Metadata (id, value type, multiplier) come from the model's
    `meta.indicator` block in YAML: the indicator registry. -#}

{% macro indicator_metadata() -%}
    {#- YAML config is attached after the parse-time render, so read it only when executing. -#}
    {%- if not execute -%}
        {{ return({'id': '', 'value_type': '', 'multiplier': 1}) }}
    {%- endif -%}
    {#- (dbt unit tests cannot see the tested model's meta: they override this macro) -#}
    {%- set indicator = model.config.meta.get('indicator') -%}
    {%- if indicator is none -%}
        {{ exceptions.raise_compiler_error("model " ~ model.name ~ " has no meta.indicator block in its YAML") }}
    {%- endif -%}
    {{ return(indicator) }}
{%- endmacro %}


{% macro proportion_indicator_rows(numerator_flag) -%}
{%- set indicator = indicator_metadata() -%}
with cohort as (
{{ caller() }}
),

ics as (
    select area_code, area_name from {{ ref('int_ics_area') }}
),

by_area as (
    select c.*, 'ics' as area_type, ics.area_code, ics.area_name
    from cohort as c
    cross join ics
    union all
    select c.*, 'place', c.place_code, c.place_name
    from cohort as c
    where c.place_code is not null
    union all
    select c.*, 'local_authority', c.lad19cd, c.lad19nm
    from cohort as c
    where c.place_code is not null
),

by_breakdown as (
    select by_area.*, 'all' as breakdown, 'All' as breakdown_value
    from by_area
    union all
    select
        by_area.*,
        'imd_quintile',
        coalesce(cast(imd_quintile as {{ dbt.type_string() }}), 'Unknown')
    from by_area
),

counted as (
    select
        period, period_start, period_end, area_type, area_code, area_name, breakdown, breakdown_value,
        cast(sum({{ numerator_flag }}) as bigint) as numerator,
        cast(count(*) as bigint) as denominator
    from by_breakdown
    group by period, period_start, period_end, area_type, area_code, area_name, breakdown,
        breakdown_value
)

select
    cast('{{ indicator.id }}' as {{ dbt.type_string() }}) as indicator_id,
    period,
    period_start,
    period_end,
    area_type,
    area_code,
    area_name,
    breakdown,
    breakdown_value,
    numerator,
    denominator,
    cast(numerator * {{ indicator.multiplier }}.0 / denominator as double) as value,
    cast({{ wilson_lower('numerator', 'denominator', 0.95) }} * {{ indicator.multiplier }} as double) as lower_ci95,
    cast({{ wilson_upper('numerator', 'denominator', 0.95) }} * {{ indicator.multiplier }} as double) as upper_ci95,
    cast({{ wilson_lower('numerator', 'denominator', 0.998) }} * {{ indicator.multiplier }} as double) as lower_ci998,
    cast({{ wilson_upper('numerator', 'denominator', 0.998) }} * {{ indicator.multiplier }} as double) as upper_ci998,
    cast('{{ indicator.value_type }}' as {{ dbt.type_string() }}) as value_type,
    cast({{ indicator.multiplier }} as double) as multiplier
from counted
{%- endmacro %}

{#- The indicator engine: one call turns a cohort into the long format of the indicator marts.

    Called as a block, `{% call indicator_rows() %} select ... {% endcall %}`. The block's query
    (the cohort) has these columns, one row per unit or per pre-counted group:
      period, period_start, period_end        the reporting period
      lad19cd, lad19nm, place_code, place_name, imd_quintile   residence (NULL when unknown)
      sex, age_band, ethnicity_group          breakdown labels (NULL when unknown)
      numerator, denominator                  what the row adds to each (e.g. 1/0 and 1)
      esp_age_band                            dsr only: the ESP2013 band of the row
    Rows are counted for the ICS, their place and local authority (when known), for the `all`
    breakdown and for each breakdown listed in the model's meta.indicator.breakdowns (unknown
    values are their own `Unknown` category, never dropped: docs/methods.md#breakdowns).

    The value and limits follow meta.indicator.value_type (docs/methods.md#value-types,
    docs/methods.md#confidence-limits):
      proportion  numerator / denominator, Wilson limits
      crude_rate  numerator / denominator (events per person-period), Poisson limits (exact < 10)
      ratio       observed / expected (numerator / denominator), Poisson limits of the observed
                  (crude_rate and ratio with meta.indicator.independent_events: false - a person
                  can have several events - the limits of nonindependent_events.sql: the cohort
                  then has a column person_events, the person's events in the period over all
                  their rows; each row adds numerator * person_events to the sum of squares, exact
                  where all a person's rows fall in one cell and larger - wider limits, never
                  narrower - where they are split, e.g. by a move)
      dsr         the model returns age-specific rows; fct_indicator_age_specific adds the
                  ESP2013 weights and fct_indicator_values the standardised value and Dobson
                  limits.
    Metadata comes from the model's meta.indicator block in YAML: the indicator registry. -#}

{% macro indicator_metadata() -%}
    {#- YAML config is attached after the parse-time render, so read it only when executing. -#}
    {%- if not execute -%}
        {{ return({'id': '', 'value_type': 'proportion', 'multiplier': 1, 'breakdowns': ['all']}) }}
    {%- endif -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return(indicator_metadata_under_test()) }}
    {%- endif -%}
    {%- set indicator = model.config.meta.get('indicator') -%}
    {%- if indicator is none -%}
        {{ exceptions.raise_compiler_error("model " ~ model.name ~ " has no meta.indicator block in its YAML") }}
    {%- endif -%}
    {{ return(indicator) }}
{%- endmacro %}


{% macro indicator_metadata_under_test() -%}
    {#- A dbt unit test runs the model's SQL without the model's config, so its meta is not in
        reach: take the same YAML's fields from the var `indicators` (pipelines/warehouse/dbt.py
        passes it). The rows are counted for the `all` breakdown only, which keeps the expected rows
        short, unless the test sets the var unit_test_breakdowns in its overrides. -#}
    {%- set name = model.tested_node_unique_id.split('.')[-1] -%}
    {%- set indicator = var('indicators', {}).get(name) -%}
    {%- if indicator is none -%}
        {{ exceptions.raise_compiler_error("unit test " ~ model.name ~ ": no meta.indicator of " ~ name
                                           ~ " in var('indicators'); run dbt through pipelines/warehouse/dbt.py") }}
    {%- endif -%}
    {%- set under_test = indicator.copy() -%}
    {%- do under_test.update({'breakdowns': var('unit_test_breakdowns', ['all'])}) -%}
    {{ return(under_test) }}
{%- endmacro %}


{% macro breakdown_label(breakdown) -%}
    {%- set columns = {'imd_quintile': 'imd_quintile', 'sex': 'sex', 'age_band': 'age_band',
                       'ethnicity_group': 'ethnicity_group'} -%}
    {%- if breakdown not in columns -%}
        {{ exceptions.raise_compiler_error("unknown breakdown " ~ breakdown) }}
    {%- endif -%}
    coalesce(cast({{ columns[breakdown] }} as {{ dbt.type_string() }}), 'Unknown')
{%- endmacro %}


{% macro indicator_periods_to_build(period_column) -%}
{#- The filter of the periods an incremental run of this indicator model builds (macro
    in_periods_to_build, with the deaths rule when the indicator is on the deaths extract). -#}
{%- set indicator = indicator_metadata() -%}
{{ in_periods_to_build(period_column,
                       provisional_deaths='civil_registration_deaths' in indicator.get('sources', []),
                       deaths_by=indicator.get('deaths_by'), inline=true) }}
{%- endmacro %}


{% macro delete_indicator_periods_to_build() -%}
{#- An indicator model's pre-hook on an incremental run: the periods about to be built, deleted
    first. delete+insert would delete only the periods it inserts rows for, so a period left with
    no rows (its only event re-delivered into another period) would keep its old ones. -#}
{%- if incremental_run() -%}
delete from {{ this }} where {{ indicator_periods_to_build('period') }}
{%- endif -%}
{%- endmacro %}


{% macro indicator_rows() -%}
{#- Incremental by period on DuckDB (macro incremental_where_engine_allows), as the per-period
    models are: a monthly refresh builds again the open periods (the revision policy, macro
    open_periods), any new one and, for an indicator on the deaths extract, those still
    provisional (macro in_periods_to_build); a full refresh, all. -#}
{{ config(materialized=incremental_where_engine_allows(), incremental_strategy='delete+insert',
          unique_key='period', on_schema_change='fail',
          pre_hook='{{ delete_indicator_periods_to_build() }}') }}
{%- set indicator = indicator_metadata() -%}
{#- At parse time the YAML's meta (sources) is not attached yet, so every indicator model records
    a dependency on the deaths extract, whose date in_periods_to_build reads for those on deaths
    (dbt records dependencies only at parse time). -#}
{%- if not execute -%}
    {%- do deaths_extract_covered_to() -%}
{%- endif -%}
{%- set is_dsr = indicator.value_type == 'dsr' -%}
{%- set nonindependent = indicator.get('independent_events', true) == false -%}
{%- if nonindependent and indicator.value_type not in ('crude_rate', 'ratio') -%}
    {{ exceptions.raise_compiler_error("independent_events: false is implemented for crude_rate and ratio "
                                       ~ "indicators, not " ~ indicator.value_type) }}
{%- endif -%}
{%- set cell = ['period', 'period_start', 'period_end', 'lad19cd', 'lad19nm', 'place_code',
                'place_name', 'imd_quintile', 'sex', 'age_band', 'ethnicity_group']
               + (['esp_age_band'] if is_dsr else []) -%}
{%- set output = ['period', 'period_start', 'period_end', 'area_type', 'area_code', 'area_name',
                  'breakdown', 'breakdown_value'] + (['esp_age_band'] if is_dsr else []) -%}
with cohort as (
    select *
    from (
{{ caller() }}
    ) as cohort_rows
    where {{ indicator_periods_to_build('cohort_rows.period') }}
),

cells as (
    -- counted first at the finest grain, so that the expansion below stays small
    select
        {{ cell | join(', ') }},
        sum(numerator) as numerator,
        {%- if nonindependent %}
        -- the variance of a count of non-independent events: the sum of each person's events squared
        sum(numerator * person_events) as numerator_squares,
        {%- endif %}
        -- decimal: an exact sum, so fractional denominators (person-years, expected counts) come
        -- out the same on every run whatever order the engine adds them in
        sum(cast(denominator as decimal(18, 6))) as denominator
    from cohort
    group by {{ cell | join(', ') }}
),

by_area as (
    select cells.*, 'ics' as area_type, ics.area_code, ics.area_name
    from cells
    cross join {{ ref('int_ics_area') }} as ics
    union all
    select cells.*, 'place', place_code, place_name
    from cells
    where place_code is not null
    union all
    select cells.*, 'local_authority', lad19cd, lad19nm
    from cells
    where lad19cd is not null
),

by_breakdown as (
    select by_area.*, 'all' as breakdown, 'All' as breakdown_value
    from by_area
    {%- for breakdown in indicator.breakdowns if breakdown != 'all' %}
    union all
    select by_area.*, '{{ breakdown }}', {{ breakdown_label(breakdown) }}
    from by_area
    {%- endfor %}
),

counted as (
    select
        {{ output | join(', ') }},
        cast(sum(numerator) as bigint) as numerator,
        {%- if nonindependent %}
        cast(sum(numerator_squares) as bigint) as numerator_squares,
        {%- endif %}
        cast(sum(denominator) as double) as denominator
    from by_breakdown
    group by {{ output | join(', ') }}
)

{% if is_dsr -%}
select
    cast('{{ indicator.id }}' as {{ dbt.type_string() }}) as indicator_id,
    counted.period, counted.period_start, counted.period_end,
    counted.area_type, counted.area_code, counted.area_name,
    counted.breakdown, counted.breakdown_value,
    counted.esp_age_band as age_band,
    counted.numerator,
    cast(round(counted.denominator) as bigint) as denominator,
    cast('dsr' as {{ dbt.type_string() }}) as value_type,
    cast({{ indicator.multiplier }} as double) as multiplier
from counted
where counted.esp_age_band is not null
{%- else -%}
{%- set m = indicator.multiplier -%}
select
    cast('{{ indicator.id }}' as {{ dbt.type_string() }}) as indicator_id,
    period, period_start, period_end, area_type, area_code, area_name, breakdown, breakdown_value,
    numerator,
    cast(round(denominator) as bigint) as denominator,
    {%- if indicator.value_type == 'proportion' %}
    cast(numerator * {{ m }}.0 / nullif(denominator, 0) as double) as value,
    cast({{ wilson_lower('numerator', 'denominator', 0.95) }} * {{ m }} as double) as lower_ci95,
    cast({{ wilson_upper('numerator', 'denominator', 0.95) }} * {{ m }} as double) as upper_ci95,
    cast({{ wilson_lower('numerator', 'denominator', 0.998) }} * {{ m }} as double) as lower_ci998,
    cast({{ wilson_upper('numerator', 'denominator', 0.998) }} * {{ m }} as double) as upper_ci998,
    {%- elif indicator.value_type in ('crude_rate', 'ratio') %}
    cast(case when denominator > 0 then numerator * {{ m }}.0 / nullif(denominator, 0) end as double) as value,
    {%- for name, confidence in [('95', 0.95), ('998', 0.998)] %}
    {%- if nonindependent %}
    cast(case when denominator > 0 then {{ nonindependent_count_lower('numerator', 'numerator_squares', confidence) }} * {{ m }} / nullif(denominator, 0) end as double) as lower_ci{{ name }},
    cast(case when denominator > 0 then {{ nonindependent_count_upper('numerator', 'numerator_squares', confidence) }} * {{ m }} / nullif(denominator, 0) end as double) as upper_ci{{ name }},
    {%- else %}
    cast(case when denominator > 0 then {{ poisson_lower('numerator', confidence) }} * {{ m }} / nullif(denominator, 0) end as double) as lower_ci{{ name }},
    cast(case when denominator > 0 then {{ poisson_upper('numerator', confidence) }} * {{ m }} / nullif(denominator, 0) end as double) as upper_ci{{ name }},
    {%- endif %}
    {%- endfor %}
    {%- else -%}
    {{ exceptions.raise_compiler_error("unknown value_type " ~ indicator.value_type) }}
    {%- endif %}
    cast('{{ indicator.value_type }}' as {{ dbt.type_string() }}) as value_type,
    cast({{ m }} as double) as multiplier
from counted
where denominator > 0
{%- endif %}
{%- endmacro %}

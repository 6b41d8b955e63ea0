-- One row per indicator and period of fct_indicator_values: its period type (from the periods
-- seed, so that it says what the figures are, not what the YAML claims; a test compares the two)
-- and whether it is provisional. A period of an indicator whose sources include the deaths
-- extract is provisional while that extract covers less than var
-- death_registration_allowance_days after the period's end: deaths that happened in it may still
-- be registered (docs/methods.md#provisional-periods).
{%- set indicators = var('indicators', {}) %}
{%- set deaths_based = [] %}
{%- for name, indicator in indicators | dictsort if 'civil_registration_deaths' in indicator.sources %}
    {%- do deaths_based.append(indicator.id) %}
{%- endfor %}
with periods as (
    select distinct indicator_id, period, period_start, period_end
    from {{ ref('fct_indicator_values') }}
),

deaths_extract as (
    select max(extract_date) as covered_to from {{ ref('stg_civil_registration__deaths') }}
)

select
    periods.indicator_id,
    periods.period,
    types.period_type,
    case periods.indicator_id
        {%- for name, indicator in indicators | dictsort %}
        when '{{ indicator.id }}' then '{{ indicator.period_type }}'
        {%- endfor %}
    end as declared_period_type,
    periods.period_start,
    periods.period_end,
    {%- if deaths_based %}
    periods.indicator_id in ('{{ deaths_based | join("', '") }}')
        and coalesce(deaths_extract.covered_to
                     < {{ dbt.dateadd('day', var('death_registration_allowance_days'), 'periods.period_end') }},
                     true)
    {%- else %}
    false
    {%- endif %} as is_provisional
from periods
left join {{ ref('ref_reporting_periods') }} as types
    on periods.period = types.period
cross join deaths_extract

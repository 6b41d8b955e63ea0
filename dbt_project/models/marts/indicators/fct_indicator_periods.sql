-- One row per indicator and period of fct_indicator_values: its period type (from the periods
-- seed, so that it says what the figures are, not what the YAML claims; a test compares the two)
-- and whether it is provisional: a period of an indicator whose sources include the deaths extract
-- is, while that extract may still lack some of its deaths (macro deaths_still_provisional,
-- docs/methods.md#provisional-periods).
-- And whether its look-back is incomplete: an indicator whose meta.indicator.lookback looks back
-- from each death over an activity source (the ED attendances of the last 90 days of life) counts
-- less than happened where the window of the period's first day starts before that source's
-- records do (docs/methods.md#incomplete-look-back).
{%- set indicators = var('indicators', {}) %}
{%- set by_death_date, by_registration = [], [] %}
{%- for name, indicator in indicators | dictsort if 'civil_registration_deaths' in indicator.sources %}
    {%- if indicator.get('deaths_by') == 'registration_date' %}
        {%- do by_registration.append(indicator.id) %}
    {%- else %}
        {%- do by_death_date.append(indicator.id) %}
    {%- endif %}
{%- endfor %}
with periods as (
    select distinct indicator_id, period, period_start, period_end
    from {{ ref('fct_indicator_values') }}
),

deaths_extract as (
    select covered_to from {{ deaths_extract_covered_to() }} as deaths_extract
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
    case
        {%- if by_death_date %}
        when periods.indicator_id in ('{{ by_death_date | join("', '") }}')
            then {{ deaths_still_provisional('periods.period_end', 'deaths_extract.covered_to') }}
        {%- endif %}
        {%- if by_registration %}
        when periods.indicator_id in ('{{ by_registration | join("', '") }}')
            then {{ deaths_still_provisional('periods.period_end', 'deaths_extract.covered_to',
                                             'registration_date') }}
        {%- endif %}
        else false
    end as is_provisional,
    {%- set with_lookback = [] %}
    {%- for name, indicator in indicators | dictsort if indicator.get('lookback') %}
        {%- do with_lookback.append(indicator) %}
    {%- endfor %}
    {%- if with_lookback %}
    case periods.indicator_id
        {%- for indicator in with_lookback %}
        when '{{ indicator.id }}' then {{ lookback_starts_before_data(
            'periods.period_start', var(indicator.lookback.days_var), indicator.lookback.source) }}
        {%- endfor %}
        else false
    end as is_lookback_incomplete
    {%- else %}
    false as is_lookback_incomplete
    {%- endif %}
from periods
left join {{ ref('ref_reporting_periods') }} as types
    on periods.period = types.period
cross join deaths_extract

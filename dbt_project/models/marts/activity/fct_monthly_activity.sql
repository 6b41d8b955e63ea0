-- Monthly counts behind the board pack's statistical process control charts, by ICS, place and
-- local authority, every month of the reporting periods up to the last month with activity (months
-- with none are 0, not missing, so the XmR chart is not biased). Series are described in the
-- model's meta; columns follow fct_indicator_values so the same disclosure control applies.
-- The series that count an indicator's numerator month by month, and that indicator: a series
-- takes its look-back (meta.indicator.lookback) from it, so a month whose deaths' windows start
-- before the source's records is flagged (is_lookback_incomplete;
-- docs/methods.md#incomplete-look-back).
{%- set counts_numerator_of = {'EOL-ED-DECEDENTS': 'A3-03', 'EOL-ED-ATTENDANCES': 'A3-04'} %}
{%- set lookback_of = {} %}
{%- for name, indicator in var('indicators', {}) | dictsort if indicator.get('lookback') %}
    {%- do lookback_of.update({indicator.id: indicator.lookback}) %}
{%- endfor %}
with months as (
    select
        periods.period as financial_year,
        {{ dbt.dateadd('month', 'offsets.month_offset', 'periods.period_start') }} as month_start
    from {{ ref('int_reporting_periods') }} as periods
    cross join (
        {%- for offset in range(12) %}
        select {{ offset }} as month_offset{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as offsets
),

events as (
    -- A3-03's numerator: adults who died with an unplanned ED attendance in their last 90 days
    select
        'EOL-ED-DECEDENTS' as series_id, date_of_death as event_date, 1 as events,
        lad19cd, lad19nm, place_code, place_name
    from {{ ref('int_deaths_with_ed_last_90_days') }}
    where age_at_death >= {{ var('eol_min_age') }} and ed_attendances_in_window > 0
    union all
    -- A3-04's numerator: their ED attendances in those 90 days
    select
        'EOL-ED-ATTENDANCES', date_of_death, ed_attendances_in_window,
        lad19cd, lad19nm, place_code, place_name
    from {{ ref('int_deaths_with_ed_last_90_days') }}
    where age_at_death >= {{ var('eol_min_age') }} and ed_attendances_in_window > 0
    union all
    select
        'EMERGENCY-ADMISSIONS', admission_date, 1,
        lad19cd, lad19nm, place_code, place_name
    from {{ ref('int_emergency_admissions') }}
),

areas as (
    select distinct 'ics' as area_type, area_code, area_name from {{ ref('int_ics_area') }}
    union all
    select distinct 'place', place_code, place_name from {{ ref('int_lsoas_with_areas') }}
    where place_code is not null
    union all
    select distinct 'local_authority', lad19cd, lad19nm from {{ ref('int_lsoas_with_areas') }}
    where lad19cd is not null
),

events_by_area as (
    select events.*, 'ics' as area_type, ics.area_code
    from events
    cross join {{ ref('int_ics_area') }} as ics
    union all
    select events.*, 'place', place_code from events where place_code is not null
    union all
    select events.*, 'local_authority', lad19cd from events where lad19cd is not null
),

counted as (
    select
        series_id, area_type, area_code,
        {{ dbt.date_trunc('month', 'event_date') }} as month_start,
        sum(events) as events
    from events_by_area
    group by series_id, area_type, area_code, {{ dbt.date_trunc('month', 'event_date') }}
),

series as (
    select series_id, max(month_start) as last_month
    from counted
    group by series_id
)

select
    series.series_id as indicator_id,
    {{ dbt.concat(["extract(year from months.month_start)", "'-'",
                   "right(" ~ dbt.concat(["'0'", "extract(month from months.month_start)"]) ~ ", 2)"]) }}
        as period,
    cast(months.month_start as date) as period_start,
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_start')) }} as date)
        as period_end,
    areas.area_type, areas.area_code, areas.area_name,
    'all' as breakdown, 'All' as breakdown_value,
    cast(coalesce(counted.events, 0) as bigint) as numerator,
    cast(null as bigint) as denominator,
    cast(coalesce(counted.events, 0) as double) as value,
    cast(null as double) as lower_ci95, cast(null as double) as upper_ci95,
    cast(null as double) as lower_ci998, cast(null as double) as upper_ci998,
    'count' as value_type,
    1 as multiplier,
    months.financial_year,
    case series.series_id
        {%- for series_id, indicator_id in counts_numerator_of | dictsort
              if indicator_id in lookback_of %}
        when '{{ series_id }}' then {{ lookback_starts_before_data('months.month_start',
            var(lookback_of[indicator_id].days_var), lookback_of[indicator_id].source) }}
        {%- endfor %}
        else false
    end as is_lookback_incomplete
from series
cross join months
cross join areas
left join counted
    on counted.series_id = series.series_id
    and counted.area_type = areas.area_type
    and counted.area_code = areas.area_code
    and counted.month_start = months.month_start
where months.month_start <= series.last_month

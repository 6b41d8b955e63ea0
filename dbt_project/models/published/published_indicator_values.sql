{{ config(alias='indicator_values') }}
-- Indicator values after disclosure control (docs/disclosure.md): the only table reports read.
-- Each row carries its period type, whether the period is provisional and whether its look-back
-- is incomplete (fct_indicator_periods).
with controlled as (
    {{ disclosure_controlled(ref('fct_indicator_values'), 'indicator_values') }}
)

select controlled.*, periods.period_type, periods.is_provisional, periods.is_lookback_incomplete
from controlled
inner join {{ ref('fct_indicator_periods') }} as periods
    on controlled.indicator_id = periods.indicator_id and controlled.period = periods.period

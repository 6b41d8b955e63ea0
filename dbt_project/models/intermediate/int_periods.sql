-- Every reporting period of every period type (seed ref_reporting_periods, docs/methods.md#time-periods):
-- from var first_period_start to the last period that the GP registration extracts cover
-- completely (a period still being delivered is not reported). Its mid-year date, six months in
-- (1 October of a financial year, 1 July of a calendar year), is the date of the population at
-- risk. Most indicators are by financial year (int_reporting_periods); the others choose their
-- period type in their SQL and declare it in meta.indicator.period_type.
select
    periods.period,
    periods.period_type,
    periods.period_start,
    periods.period_end,
    {{ dbt.dateadd('month', 6, 'periods.period_start') }} as mid_year_date
from {{ ref('ref_reporting_periods') }} as periods
where periods.period_start >= cast('{{ var("first_period_start") }}' as date)
    and periods.period_end < (select max(extract_date) from {{ ref('stg_gp__registrations') }})

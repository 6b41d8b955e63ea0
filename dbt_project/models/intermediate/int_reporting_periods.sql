-- The financial years reported (int_periods): the period type of most indicators.
select period, period_type, period_start, period_end, mid_year_date
from {{ ref('int_periods') }}
where period_type = 'financial_year'

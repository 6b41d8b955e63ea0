-- The financial years reported: from var first_period_start to the last year that the GP
-- registration extracts cover completely (a year still being delivered is not reported).
select
    years.period,
    years.period_type,
    years.period_start,
    years.period_end,
    {{ dbt.dateadd('month', 6, 'years.period_start') }} as mid_year_date
from {{ ref('ref_financial_years') }} as years
where years.period_start >= cast('{{ var("first_period_start") }}' as date)
    and years.period_end < (select max(extract_date) from {{ ref('stg_gp__registrations') }})

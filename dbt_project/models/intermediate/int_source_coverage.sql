-- The first day each activity source's records cover: the first day of the first month holding at
-- least var('source_coverage_min_share') of the source's median month (so one stray early record,
-- a default date or an admission years before its episode, does not move it back). A look-back
-- window (the 90 days before a death) that starts before it counts less than happened, so the
-- periods whose windows do are flagged, not published as if complete (macro
-- lookback_starts_before_data; docs/methods.md#incomplete-look-back).
with monthly as (
    {%- for source, (model, date_column) in lookback_sources() | dictsort %}
    select
        '{{ source }}' as source,
        {{ dbt.date_trunc('month', date_column) }} as month_start,
        count(*) as records
    from {{ ref(model) }}
    group by {{ dbt.date_trunc('month', date_column) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

typical as (
    select source, percentile_cont(0.5) within group (order by records) as median_records
    from monthly
    group by source
)

select monthly.source, cast(min(monthly.month_start) as date) as covered_from
from monthly
inner join typical on monthly.source = typical.source
where monthly.records >= {{ var('source_coverage_min_share') }} * typical.median_records
group by monthly.source

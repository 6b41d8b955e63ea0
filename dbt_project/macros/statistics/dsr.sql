{#- Directly age-standardised rates with Dobson confidence limits (docs/methods.md#value-types), as
    PHEindicatormethods' calculate_dsr: per group, with O = total events,
        dsr    = sum(w * x / n) / sum(w)                          (times the multiplier)
        var    = sum(w^2 * x / n^2) / sum(w)^2
        limits = dsr + sqrt(var / O) * (O_limit - O)               (O_limit: Poisson limit of O)
    and no value below var disclosure.dsr_min_events events. `relation` has one row per group and age band with columns
    numerator (x), denominator (n) and standard_population (w). Plain SQL for any adapter.

    Non-independent events (calculate_dsr(independent_events = FALSE)): name `squares_column`, the
    age band's sum over people of (events per person)^2, s. The variance is then
        var    = sum(w^2 * s / n^2) / sum(w)^2
    which is PHE's sum over event frequencies f of f^2 * var(people with f events); with one event
    each, s = x and it is the independent variance (nonindependent_events.sql says why). -#}

{%- macro dsr_rows(relation, group_columns, multiplier_column='multiplier', squares_column=none) -%}
{#- A single select (no WITH), so that it can follow the caller's own CTEs. -#}
{%- set groups = group_columns | join(', ') -%}
select
    {{ groups }},
    cast(total_count as bigint) as numerator,
    cast(total_population as bigint) as denominator,
    dsr_multiplier,
    case when total_count >= {{ var('disclosure').dsr_min_events }} then rate * dsr_multiplier end as value,
    {%- for name, confidence in [('95', 0.95), ('998', 0.998)] %}
    case when total_count >= {{ var('disclosure').dsr_min_events }} then
        (rate + sqrt(variance / nullif(total_count, 0))
            * ({{ poisson_lower('total_count', confidence) }} - total_count)) * dsr_multiplier
    end as lower_ci{{ name }},
    case when total_count >= {{ var('disclosure').dsr_min_events }} then
        (rate + sqrt(variance / nullif(total_count, 0))
            * ({{ poisson_upper('total_count', confidence) }} - total_count)) * dsr_multiplier
    end as upper_ci{{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
from (
    select
        {{ groups }},
        max(dsr_multiplier) as dsr_multiplier,
        sum(x) as total_count,
        sum(n) as total_population,
        -- the weighted terms are summed as decimals: exact, so the same on every run whatever
        -- order the engine adds them in (a double sum can differ in its last bits)
        cast(sum(cast(case when n > 0 then w * x / nullif(n, 0) else 0 end as decimal(38, 18))) as double)
            / nullif(sum(w), 0) as rate,
        cast(sum(cast(case when n > 0 then w * w * s / nullif(n * n, 0) else 0 end as decimal(38, 18)))
             as double) / nullif(sum(w) * sum(w), 0) as variance
    from (
        select
            {{ groups }},
            coalesce(cast(numerator as double), 0) as x,  -- as PHE: a missing count is 0
            coalesce(cast({{ squares_column or 'numerator' }} as double), 0) as s,
            cast(denominator as double) as n,
            cast(standard_population as double) as w,
            cast({{ multiplier_column }} as double) as dsr_multiplier
        from {{ relation }}
    ) as terms
    group by {{ groups }}
) as summed
{%- endmacro -%}

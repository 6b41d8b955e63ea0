{#- Confidence limits for counts of non-independent events, where one person can have several (e.g.
    repeat admissions), as PHEindicatormethods 2.1 calculate_dsr(independent_events = FALSE)
    (docs/methods.md#non-independent-events). Poisson limits treat every event as independent, so
    they are too narrow when events cluster in people: a person with f events adds f to the count O
    but f^2 to its variance V = sum over people of f^2 (V = O when everyone has one event). The
    limits of O are then Dobson's, with V in place of O:
        O + sqrt(V / O) * (O_limit - O)          (O_limit: the Poisson limit of O)
    and a rate's limits are those of O divided by its denominator. With no events (O = 0) there
    is nothing to cluster: the plain Poisson limits. The lower limit is floored at 0: when a few
    events cluster in one or two people it can fall below 0 (PHE's DSR never meets this, as it gives
    no value on fewer than 10 events). Plain SQL for any adapter. -#}

{%- macro nonindependent_count_limit(count, squares, side, confidence=0.95) -%}
    {%- set limit = poisson_lower(count, confidence) if side == 'lower'
                    else poisson_upper(count, confidence) -%}
    case when {{ count }} > 0 then
        cast({{ count }} as double) + sqrt(cast({{ squares }} as double) / nullif(cast({{ count }} as double), 0))
            * ({{ limit }} - cast({{ count }} as double))
    else {{ limit }} end
{%- endmacro -%}

{%- macro nonindependent_count_lower(count, squares, confidence=0.95) -%}
    case when {{ nonindependent_count_limit(count, squares, 'lower', confidence) }} < 0 then 0.0
         else {{ nonindependent_count_limit(count, squares, 'lower', confidence) }} end
{%- endmacro -%}

{%- macro nonindependent_count_upper(count, squares, confidence=0.95) -%}
    {{ nonindependent_count_limit(count, squares, 'upper', confidence) }}
{%- endmacro -%}

{#- The ids of the indicators whose events are not independent (meta.indicator.independent_events:
    false, passed in by pipelines/warehouse/dbt.py in var `indicators`). -#}
{%- macro nonindependent_indicator_ids() -%}
    {%- set ids = [] -%}
    {%- for name, indicator in var('indicators', {}) | dictsort
          if indicator.get('independent_events', true) == false -%}
        {%- do ids.append(indicator.id) -%}
    {%- endfor -%}
    {{ return(ids) }}
{%- endmacro -%}

{#- For publication (macro disclosure_controlled): limits recomputed from the published (rounded)
    count P with the same widening, P + k * (P_limit - P), where k = sqrt(V / O) is recovered from
    the exact 95% upper limit, (upper * O / value - O) / (O_upper - O). k is rounded to one decimal
    (and is at least 1): V / O is a ratio of whole numbers whose denominator would otherwise give
    the exact count away (docs/disclosure.md). -#}
{%- macro published_nonindependent_limit(side, published_count, count, value, upper_ci95,
                                         confidence) -%}
    {%- set k -%}
        case when {{ count }} > 0 and {{ value }} > 0 then
            case when round(({{ upper_ci95 }} * {{ count }} / nullif({{ value }}, 0) - {{ count }})
                            / nullif({{ poisson_upper(count, 0.95) }} - {{ count }}, 0), 1) > 1
                 then round(({{ upper_ci95 }} * {{ count }} / nullif({{ value }}, 0) - {{ count }})
                            / nullif({{ poisson_upper(count, 0.95) }} - {{ count }}, 0), 1)
                 else 1.0 end
        else 1.0 end
    {%- endset -%}
    {%- set limit = poisson_lower(published_count, confidence) if side == 'lower'
                    else poisson_upper(published_count, confidence) -%}
    {%- set widened = '(' ~ published_count ~ ' + (' ~ k ~ ') * (' ~ limit ~ ' - ' ~ published_count ~ '))' -%}
    {%- if side == 'lower' -%}
    case when {{ widened }} < 0 then 0.0 else {{ widened }} end
    {%- else -%}
    {{ widened }}
    {%- endif -%}
{%- endmacro -%}

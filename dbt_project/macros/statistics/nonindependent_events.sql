{#- Confidence limits for counts of non-independent events, where one person can have several (e.g.
    repeat admissions), as PHEindicatormethods 2.1 calculate_dsr(independent_events = FALSE)
    (docs/methods.md#non-independent-events). Poisson limits treat every event as independent, so
    they are too narrow when events cluster in people: a person with f events adds f to the count O
    but f^2 to its variance V = sum over people of f^2 (V = O when everyone has one event). The
    limits of O are then Dobson's, with V in place of O:
        O + sqrt(V / O) * (O_limit - O)          (O_limit: the Poisson limit of O)
    and a rate's limits are those of O divided by its denominator. With no events (O = 0) there
    is nothing to cluster: the plain Poisson limits. Plain SQL for any adapter. -#}

{%- macro nonindependent_count_limit(count, squares, side, confidence=0.95) -%}
    {%- set limit = poisson_lower(count, confidence) if side == 'lower'
                    else poisson_upper(count, confidence) -%}
    case when {{ count }} > 0 then
        cast({{ count }} as double) + sqrt(cast({{ squares }} as double) / cast({{ count }} as double))
            * ({{ limit }} - cast({{ count }} as double))
    else {{ limit }} end
{%- endmacro -%}

{%- macro nonindependent_count_lower(count, squares, confidence=0.95) -%}
    {{ nonindependent_count_limit(count, squares, 'lower', confidence) }}
{%- endmacro -%}

{%- macro nonindependent_count_upper(count, squares, confidence=0.95) -%}
    {{ nonindependent_count_limit(count, squares, 'upper', confidence) }}
{%- endmacro -%}

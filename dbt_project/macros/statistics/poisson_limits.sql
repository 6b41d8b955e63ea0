{#- Confidence limits for a Poisson count, as PHEindicatormethods computes them (docs/methods.md#confidence-limits):
    exact limits below 10 events, Byar's approximation from 10 up. Plain SQL for any adapter.

    The exact limits are chi-square quantiles, qchisq(a/2, 2x)/2 and qchisq(1 - a/2, 2x + 2)/2;
    SQL has no qchisq, so the twenty values per confidence level are written out below (computed
    with scipy.stats.chi2.ppf; they agree with PHEindicatormethods' tables to 1e-15). -#}

{%- macro _exact_poisson_table() -%}
    {{ return({
      0.95: {
        0: [0.0, 3.6888794541139354],
        1: [0.025317807984289897, 5.571643390938898],
        2: [0.24220927854396507, 7.22468766772396],
        3: [0.6186721228956015, 8.767273069742323],
        4: [1.089865373626325, 10.241588675403694],
        5: [1.623486390118421, 11.66833207932267],
        6: [2.201894253490851, 13.059474022518685],
        7: [2.814363051519867, 14.422675361702376],
        8: [3.4538321767485023, 15.763189220193313],
        9: [4.115373097378334, 17.084803451419166]
      },
      0.998: {
        0: [0.0, 6.907755278982137],
        1: [0.0010005003335835346, 9.233413476451585],
        2: [0.045402017769489565, 11.228872242412661],
        3: [0.19053337756840327, 13.06224077918807],
        4: [0.42855241362842295, 14.79414922253721],
        5: [0.7393717319178327, 16.454745203680105],
        6: [1.1071046602556396, 18.061636840199064],
        7: [1.5203362603988093, 19.626177395384232],
        8: [1.9708139217403662, 21.15619816583998],
        9: [2.452424404363775, 22.65737330906293]
      },
    }) }}
{%- endmacro -%}

{%- macro _exact_poisson(count, confidence, side) -%}
    {%- set table = _exact_poisson_table()[confidence] -%}
    case cast({{ count }} as bigint)
    {%- for x, limits in table.items() %}
        when {{ x }} then cast({{ limits[0 if side == 'lower' else 1] }} as double)
    {%- endfor %}
    end
{%- endmacro -%}

{%- macro byar_lower(count, confidence=0.95) -%}
    {%- set x = 'cast(' ~ count ~ ' as double)' -%}
    {%- set z = z_value(confidence) -%}
    case when {{ count }} = 0 then 0.0
         else {{ x }} * power(1 - 1 / nullif(9 * {{ x }}, 0) - {{ z }} / nullif(3 * sqrt({{ x }}), 0), 3) end
{%- endmacro -%}

{%- macro byar_upper(count, confidence=0.95) -%}
    {%- set x1 = '(cast(' ~ count ~ ' as double) + 1)' -%}
    {%- set z = z_value(confidence) -%}
    {{ x1 }} * power(1 - 1 / nullif(9 * {{ x1 }}, 0) + {{ z }} / nullif(3 * sqrt({{ x1 }}), 0), 3)
{%- endmacro -%}

{#- Limits of the count: exact below 10 events, Byar from 10 (NULL for a NULL count). -#}
{%- macro poisson_lower(count, confidence=0.95) -%}
    case when {{ count }} < 10 then {{ _exact_poisson(count, confidence, 'lower') }}
         else {{ byar_lower(count, confidence) }} end
{%- endmacro -%}

{%- macro poisson_upper(count, confidence=0.95) -%}
    case when {{ count }} < 10 then {{ _exact_poisson(count, confidence, 'upper') }}
         else {{ byar_upper(count, confidence) }} end
{%- endmacro -%}

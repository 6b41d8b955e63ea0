{#- Confidence limits used across the indicators, as in PHEindicatormethods (docs/methods.md#confidence-limits).
    Plain SQL (sqrt, arithmetic, CASE) so that they run on any adapter. The limits are exact at
    0 and at n (floating-point rounding would otherwise leave e.g. -4e-15). -#}

{%- macro z_value(confidence) -%}
    {#- Two-sided normal quantile: qnorm(1 - (1 - confidence) / 2). -#}
    {%- set z = {0.95: 1.959963984540054, 0.998: 3.090232306167813}[confidence] -%}
    cast({{ z }} as double)
{%- endmacro -%}

{%- macro wilson_lower(numerator, denominator, confidence=0.95) -%}
    {%- set z = z_value(confidence) -%}
    {%- set x, n = 'cast(' ~ numerator ~ ' as double)', 'cast(' ~ denominator ~ ' as double)' -%}
    case when {{ denominator }} > 0 and {{ numerator }} = 0 then 0.0
         when {{ denominator }} > 0 then
        (2 * {{ x }} + {{ z }} * {{ z }}
         - {{ z }} * sqrt({{ z }} * {{ z }} + 4 * {{ x }} * (1 - {{ x }} / nullif({{ n }}, 0))))
        / nullif(2 * ({{ n }} + {{ z }} * {{ z }}), 0)
    end
{%- endmacro -%}

{%- macro wilson_upper(numerator, denominator, confidence=0.95) -%}
    {%- set z = z_value(confidence) -%}
    {%- set x, n = 'cast(' ~ numerator ~ ' as double)', 'cast(' ~ denominator ~ ' as double)' -%}
    case when {{ denominator }} > 0 and {{ numerator }} = {{ denominator }} then 1.0
         when {{ denominator }} > 0 then
        (2 * {{ x }} + {{ z }} * {{ z }}
         + {{ z }} * sqrt({{ z }} * {{ z }} + 4 * {{ x }} * (1 - {{ x }} / nullif({{ n }}, 0))))
        / nullif(2 * ({{ n }} + {{ z }} * {{ z }}), 0)
    end
{%- endmacro -%}

{#-
    An ICD-10 code as staging keeps it: upper case, trimmed, without the filler that some extracts
    add after a 3- or 4-character code ('I21-', 'I21X', 'I219X' → 'I21', 'I21', 'I219'). Only a
    trailing X or dash after a complete code is a filler: X-chapter codes (X45, X65, X60–X84 …)
    keep their X. ICD-10 never uses X as a 4th or 5th character, so a trailing X is always filler.
    Plain SQL (length, substr, case) so it runs on any adapter.
-#}
{% macro icd10_code(column) %}
{%- set code = "upper(trim(" ~ column ~ "))" -%}
case
    when length({{ code }}) in (4, 5) and substr({{ code }}, length({{ code }}), 1) in ('X', '-')
        then substr({{ code }}, 1, length({{ code }}) - 1)
    else {{ code }}
end
{%- endmacro %}

{#- The one rule for a new emergency admission (docs/methods.md#emergency-admissions): an emergency
    admission method of var emergency_admission_methods, which leaves out 2B (the transfer of a
    patient already admitted as an emergency by another provider: the same emergency, not a new
    one). Applied to the first episode of a spell (int_emergency_admissions), so spells are
    counted, not episodes. -#}
{%- macro emergency_admission(admission_method) -%}
    {{ admission_method }} in ({{ "'" ~ var('emergency_admission_methods') | join("', '") ~ "'" }})
{%- endmacro -%}

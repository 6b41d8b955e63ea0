{#- The one rule for a new admission (docs/methods.md#emergency-admissions). A transfer of a patient
    already admitted by another provider (var transfer_admission_methods: 2B after an emergency,
    81 otherwise) starts a new spell at the receiving provider but is the same admission, so no
    indicator counts it. Applied to the first episode of a spell (int_apc_admissions), so spells
    are counted, not episodes. -#}
{%- macro new_admission(admission_method) -%}
    coalesce({{ admission_method }}, '') not in ({{ "'" ~ var('transfer_admission_methods') | join("', '") ~ "'" }})
{%- endmacro -%}

{#- A new emergency admission: an emergency admission method (var emergency_admission_methods)
    that is not a transfer. -#}
{%- macro emergency_admission(admission_method) -%}
    ({{ admission_method }} in ({{ "'" ~ var('emergency_admission_methods') | join("', '") ~ "'" }})
     and {{ new_admission(admission_method) }})
{%- endmacro -%}

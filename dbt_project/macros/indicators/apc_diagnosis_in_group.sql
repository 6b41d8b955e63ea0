{#- True when the APC episode has a diagnosis in a group of ref_icd10_groups in any coded position,
    primary included (apc_diagnosis_in_group), or in a secondary position only
    (apc_secondary_diagnosis_in_group): they read stg_apc__diagnoses, one row per episode and
    position. The group comes last, as the test code_lists_have_members reads it. -#}
{%- macro apc_diagnosis_in_group(episode_id, group_id) -%}
    {{ apc_diagnosis_exists(episode_id, group_id, first_position=1) }}
{%- endmacro -%}

{%- macro apc_secondary_diagnosis_in_group(episode_id, group_id) -%}
    {{ apc_diagnosis_exists(episode_id, group_id, first_position=2) }}
{%- endmacro -%}

{%- macro apc_diagnosis_exists(episode_id, group_id, first_position) -%}
    exists (
        select 1 from {{ ref('stg_apc__diagnoses') }} as diagnosis
        where diagnosis.episode_id = {{ episode_id }}
            and diagnosis.diagnosis_position >= {{ first_position }}
            and {{ icd10_in_group('diagnosis.icd10_code', group_id) }}
    )
{%- endmacro -%}

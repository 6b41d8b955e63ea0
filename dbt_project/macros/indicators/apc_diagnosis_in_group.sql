{#- True when the APC episode has a diagnosis in a group of ref_icd10_groups, in any coded
    position (`positions='any'`, primary included) or in a secondary one only
    (`positions='secondary'`): reads stg_apc__diagnoses, one row per episode and position. -#}
{%- macro apc_diagnosis_in_group(episode_id, group_id, positions='any') -%}
    exists (
        select 1 from {{ ref('stg_apc__diagnoses') }} as diagnosis
        where diagnosis.episode_id = {{ episode_id }}
            {%- if positions == 'secondary' %}
            and diagnosis.diagnosis_position > 1
            {%- elif positions != 'any' %}
            {{ exceptions.raise_compiler_error("apc_diagnosis_in_group: positions must be 'any' or 'secondary'") }}
            {%- endif %}
            and {{ icd10_in_group('diagnosis.icd10_code', group_id) }}
    )
{%- endmacro -%}

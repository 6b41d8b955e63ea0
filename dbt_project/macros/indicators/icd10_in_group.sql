{%- macro icd10_in_group(code, group_id) -%}
    {#- True when the ICD-10 code (4 characters, no dot) falls in a range of ref_icd10_groups. -#}
    exists (
        select 1 from {{ ref('ref_icd10_groups') }} as icd10_range
        where icd10_range.group_id = '{{ group_id }}'
            and {{ code }} >= icd10_range.from_code
            and substring({{ code }}, 1, length(icd10_range.to_code)) <= icd10_range.to_code
    )
{%- endmacro -%}

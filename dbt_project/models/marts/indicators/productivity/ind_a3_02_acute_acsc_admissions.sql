-- A3-02: emergency admissions for acute conditions that should not usually require hospital
-- admission (NHS OF 3a), all ages, directly standardised: a new emergency admission
-- (int_emergency_admissions: transfers left out) whose primary diagnosis is in the acute ACSC list
-- (seed ref_icd10_groups, acsc_acute). The procedure exclusions of the national list are not
-- applied: the extract has no procedure codes.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where=icd10_in_group('events.primary_diagnosis_icd10', 'acsc_acute')) }}
    union all
    {{ population_rows() }}
{% endcall %}

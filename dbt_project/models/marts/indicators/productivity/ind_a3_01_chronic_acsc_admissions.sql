-- A3-01: unplanned admissions for chronic ambulatory care sensitive conditions (NHS OF 2.3.i), all
-- ages, directly standardised: a new emergency admission (int_emergency_admissions: transfers left
-- out) whose primary diagnosis is in the chronic ACSC list, or is acute bronchitis (J20) with a
-- COPD code (J41-J44, J47) in a secondary position. The cardiac-procedure exclusions are not
-- applied: the extract has no procedure codes.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where="(" ~ icd10_in_group('events.primary_diagnosis_icd10', 'acsc_chronic')
                        ~ " or (" ~ icd10_in_group('events.primary_diagnosis_icd10', 'acsc_chronic_with_copd')
                        ~ " and " ~ apc_secondary_diagnosis_in_group('events.episode_id', 'acsc_copd_secondary')
                        ~ "))") }}
    union all
    {{ population_rows() }}
{% endcall %}

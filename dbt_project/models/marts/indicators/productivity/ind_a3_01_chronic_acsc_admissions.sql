-- A3-01: unplanned admissions for chronic ambulatory care sensitive conditions (primary diagnosis in the chronic ACSC list; cardiac-procedure exclusions not applied: no procedure codes in the extract), all ages, directly standardised.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where="events.admission_method <> '2B' and " ~ icd10_in_group('events.primary_diagnosis_icd10', 'acsc_chronic')) }}
    union all
    {{ population_rows() }}
{% endcall %}

-- A2-12: emergency admissions for asthma (primary diagnosis J45-J46), all ages, directly standardised.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where=icd10_in_group('events.primary_diagnosis_icd10', 'asthma')) }}
    union all
    {{ population_rows() }}
{% endcall %}

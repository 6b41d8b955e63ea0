-- A1-04: emergency admissions for asthma (primary diagnosis J45-J46) of children and young people aged 0-18, per 100,000.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where="events.age_on_admission <= 18 and " ~ icd10_in_group('events.primary_diagnosis_icd10', 'asthma')) }}
    union all
    {{ population_rows(max_age=18) }}
{% endcall %}

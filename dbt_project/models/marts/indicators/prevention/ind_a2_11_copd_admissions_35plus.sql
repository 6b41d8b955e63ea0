-- A2-11: emergency admissions for COPD (primary diagnosis J40-J44), age 35+, directly standardised.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where="events.age_on_admission >= 35 and " ~ icd10_in_group('events.primary_diagnosis_icd10', 'copd')) }}
    union all
    {{ population_rows(min_age=35) }}
{% endcall %}

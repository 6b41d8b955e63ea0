-- A1-05: emergency admissions due to falls (primary diagnosis S00-T98 with a W00-W19 external cause), age 65+, directly standardised.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where="events.age_on_admission >= 65 and " ~ icd10_in_group('events.primary_diagnosis_icd10', 'injury') ~ " and (" ~ icd10_in_group('events.secondary_diagnosis_icd10', 'falls') ~ " or " ~ icd10_in_group('events.primary_diagnosis_icd10', 'falls') ~ ")") }}
    union all
    {{ population_rows(min_age=65) }}
{% endcall %}

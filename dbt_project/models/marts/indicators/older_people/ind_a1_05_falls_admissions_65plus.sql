-- A1-05: emergency admissions due to falls (Fingertips 22401): primary diagnosis an injury
-- (S00-T98) with a fall (W00-W19) as external cause in any diagnosis position, age 65+ on
-- admission, directly standardised on the 65+ bands.
{% call indicator_rows() %}
    {{ event_rows(ref('int_emergency_admissions'), 'admission_date',
                  where="events.age_on_admission >= 65 and "
                        ~ icd10_in_group('events.primary_diagnosis_icd10', 'injury') ~ " and "
                        ~ apc_diagnosis_in_group('events.episode_id', 'falls')) }}
    union all
    {{ population_rows(min_age=65) }}
{% endcall %}

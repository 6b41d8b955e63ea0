-- A2-06: under-75 mortality from respiratory disease (ICD-10 J00-J99, underlying cause), deaths registered in three
-- calendar years pooled, as OHID publishes it (docs/methods.md#time-periods).
{% call indicator_rows() %}
    {{ event_rows(ref('int_deaths_with_residence'), 'registration_date', period_type='calendar_years_pooled_3',
                  where="events.age_at_death < 75 and " ~ icd10_in_group('events.underlying_cause_icd10', 'respiratory')) }}
    union all
    {{ population_rows(max_age=74, period_type='calendar_years_pooled_3') }}
{% endcall %}

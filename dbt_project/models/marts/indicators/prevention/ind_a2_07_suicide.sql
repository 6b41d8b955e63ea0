-- A2-07: suicide - intentional self-harm X60-X84 (age 10+) or undetermined intent Y10-Y34 (age 15+), deaths registered in the year.
{% call indicator_rows() %}
    {{ event_rows(ref('int_deaths_with_residence'), 'registration_date',
                  where="events.age_at_death >= 10 and (" ~ icd10_in_group('events.underlying_cause_icd10', 'suicide_intentional') ~ " or (events.age_at_death >= 15 and " ~ icd10_in_group('events.underlying_cause_icd10', 'suicide_undetermined') ~ "))") }}
    union all
    {{ population_rows(min_age=10) }}
{% endcall %}

-- A2-07: suicide (ONS definition): intentional self-harm X60-X84 and its sequelae Y87.0 (age 10+),
-- or injury of undetermined intent Y10-Y34 and its sequelae Y87.2 (age 15+), underlying cause;
-- deaths registered in three calendar years pooled, as ONS and OHID publish it
-- (docs/methods.md#time-periods).
{%- set intentional = icd10_in_group('events.underlying_cause_icd10', 'suicide_intentional') %}
{%- set undetermined = icd10_in_group('events.underlying_cause_icd10', 'suicide_undetermined') %}
{% call indicator_rows() %}
    {{ event_rows(ref('int_deaths_with_residence'), 'registration_date', period_type='calendar_years_pooled_3',
                  where="events.age_at_death >= 10 and (" ~ intentional
                        ~ " or (events.age_at_death >= 15 and " ~ undetermined ~ "))") }}
    union all
    {{ population_rows(min_age=10, period_type='calendar_years_pooled_3') }}
{% endcall %}

-- PC-02d: people on two or more long-term condition registers with a personalised care and support plan in twelve months.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.care_plan_agreed = 1",
        cohort="person.long_term_conditions >= 2") }}
{% endcall %}

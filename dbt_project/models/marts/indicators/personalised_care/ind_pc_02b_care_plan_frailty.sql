-- PC-02b: people with moderate or severe frailty coded in twelve months with a personalised care and support plan.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.care_plan_agreed = 1",
        cohort="person.moderate_or_severe_frailty = 1") }}
{% endcall %}

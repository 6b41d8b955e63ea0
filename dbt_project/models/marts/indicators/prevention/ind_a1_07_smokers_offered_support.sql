-- A1-07: current smokers aged 15+ (latest status) with a cessation intervention or referral in twelve months (Make Every Contact Count).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.smoking_intervention = 1",
        cohort="person.age >= 15 and person.smoking_status = 'current'") }}
{% endcall %}

-- A1-07: current smokers aged 15+ (latest status) with a cessation intervention or referral in twelve months (Make Every Contact Count).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="status.smoking_intervention = 1",
        cohort="population.age >= 15 and status.smoking_status = 'current'") }}
{% endcall %}

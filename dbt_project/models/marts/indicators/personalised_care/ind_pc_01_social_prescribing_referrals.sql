-- PC-01: registered people referred to social prescribing in the year, per 1,000 registered (31 March).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.social_prescribing_referral = 1",
        cohort="true") }}
{% endcall %}

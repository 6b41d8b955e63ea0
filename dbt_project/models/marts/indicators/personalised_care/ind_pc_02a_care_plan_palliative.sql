-- PC-02a: people on the palliative care register (31 March) with a personalised care and support plan in twelve months.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.care_plan_agreed = 1",
        cohort="palliative.person_id is not null") }}
{% endcall %}

-- CH-02: care-home residents (31 March) with a personalised care and support plan agreed or reviewed in twelve months.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.care_plan_agreed = 1",
        cohort="care_home.person_id is not null") }}
{% endcall %}

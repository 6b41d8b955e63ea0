-- CH-03: care-home residents (31 March) with a structured medication review in twelve months.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.structured_medication_review = 1",
        cohort="care_home.person_id is not null") }}
{% endcall %}

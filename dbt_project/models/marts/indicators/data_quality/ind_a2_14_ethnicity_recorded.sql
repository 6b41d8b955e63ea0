-- A2-14: registered people with an ethnic category recorded (A-S, not Z/99/missing): the data-quality gate for equity breakdowns.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.ethnicity_group <> 'Not stated'",
        cohort="true") }}
{% endcall %}

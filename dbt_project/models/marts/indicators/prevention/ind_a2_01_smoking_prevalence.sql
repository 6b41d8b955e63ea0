-- A2-01: adults (18+) whose latest smoking status in five years is current smoker, of adults with a status recorded in five years (snapshot 31 March).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.smoking_status = 'current'",
        cohort="person.age >= 18 and person.smoking_status is not null") }}
{% endcall %}

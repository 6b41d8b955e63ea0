-- A2-02: adults (18+) whose latest BMI in twelve months is 30 or more (or coded BMI 30+), of all registered adults (snapshot 31 March).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.latest_bmi >= 30 or person.obesity_coded = 1",
        cohort="person.age >= 18") }}
{% endcall %}

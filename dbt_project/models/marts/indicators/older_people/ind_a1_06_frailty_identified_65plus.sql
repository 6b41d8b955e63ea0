-- A1-06: registered people aged 65+ with an eFI score or frailty category coded in twelve months.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.frailty_assessed = 1",
        cohort="person.age >= 65") }}
{% endcall %}

-- A2-13: registered people aged 65+ on 31 March vaccinated against flu between 1 September and the end of February.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.flu_vaccinated_in_season = 1",
        cohort="person.age >= 65") }}
{% endcall %}

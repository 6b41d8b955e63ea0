-- PC-03: people on two or more long-term condition registers with shared decision making recorded in twelve months (a data-maturity measure).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.shared_decision_making = 1",
        cohort="person.long_term_conditions >= 2") }}
{% endcall %}

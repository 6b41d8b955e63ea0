-- A3-07: registered people on the palliative care register at the end of the year (a later
-- PALCARE_COD-not-indicated code takes them off: int_register_spells).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(numerator="palliative.person_id is not null") }}
{% endcall %}

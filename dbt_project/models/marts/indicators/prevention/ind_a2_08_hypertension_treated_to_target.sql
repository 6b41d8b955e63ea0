-- A2-08: adults (18+ on 31 March) on the hypertension register (resolved entries off:
-- int_register_spells) whose latest blood pressure in twelve months - the lowest systolic and the
-- lowest diastolic of the latest day with a reading - is at most 140/90 mmHg (under 80) or
-- 150/90 mmHg (80+); no exceptions removed.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.latest_systolic_bp <= case when person.age >= 80 then 150 else 140 end and person.latest_diastolic_bp <= 90",
        cohort="person.age >= 18 and person.on_hyp_register = 1") }}
{% endcall %}

-- A2-08: adults (18+ on 31 March) on the hypertension register (resolved entries off:
-- int_register_spells) whose latest blood pressure in twelve months - the lowest systolic and the
-- lowest diastolic of the latest day with a reading - is at most 140/90 mmHg (under 80) or
-- 150/90 mmHg (80+); no exceptions removed.
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="status.latest_systolic_bp <= case when population.age >= 80 then 150 else 140 end and status.latest_diastolic_bp <= 90",
        cohort="population.age >= 18 and status.on_hyp_register = 1") }}
{% endcall %}

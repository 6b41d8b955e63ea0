-- A2-10: adults (18+ on 31 March) on the severe mental illness register (in remission: off,
-- int_register_spells) with all six physical health checks in twelve months (the evidence each
-- check needs: var smi_health_check_components).
{% call indicator_rows() %}
    {{ registered_snapshot_rows(
        numerator="person.smi_health_check_components_done = "
                  ~ (var('smi_health_check_components') | length),
        cohort="person.age >= 18 and person.on_mh_register = 1") }}
{% endcall %}

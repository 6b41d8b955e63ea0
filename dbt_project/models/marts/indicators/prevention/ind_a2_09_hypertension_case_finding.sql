-- A2-09: hypertension case-finding - people on the register as a percentage of the number
-- expected from modelled prevalence by age (ref_expected_prevalence) in the registered adults.
{% call indicator_rows() %}
    select
        population.period, population.period_start, population.period_end,
        population.lad19cd, population.lad19nm, population.place_code, population.place_name,
        population.imd_quintile, population.sex, population.age_band, population.ethnicity_group,
        status.on_hyp_register as numerator,
        expected.expected_prevalence as denominator
    from {{ ref('int_registered_population') }} as population
    inner join {{ ref('int_gp_status_at_year_end') }} as status
        on population.period = status.period and population.person_id = status.person_id
    inner join {{ ref('ref_expected_prevalence') }} as expected
        on expected.condition = 'hypertension'
        and population.age between expected.age_lower and expected.age_upper
    where population.snapshot = 'year_end'
{% endcall %}

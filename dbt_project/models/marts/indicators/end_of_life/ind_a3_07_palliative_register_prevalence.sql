-- A3-07: registered people on the palliative care register at the end of the year (a later
-- PALCARE_COD-not-indicated code takes them off: int_register_spells).
{% call indicator_rows() %}
    select
        population.period, population.period_start, population.period_end,
        population.lad19cd, population.lad19nm, population.place_code, population.place_name,
        population.imd_quintile, population.sex, population.age_band, population.ethnicity_group,
        case when register.person_id is not null then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_registered_population') }} as population
    left join {{ ref('int_palliative_register') }} as register
        on population.person_id = register.person_id
        and register.entered_on <= population.on_date
        and (register.left_on is null or register.left_on > population.on_date)
    where population.snapshot = 'year_end'
{% endcall %}

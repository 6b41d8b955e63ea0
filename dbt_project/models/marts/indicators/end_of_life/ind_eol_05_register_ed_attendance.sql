-- EOL-05: people on the end-of-life register at any time in the year who attended ED (unplanned)
-- while on it (in any of their spells on it) - the Mid-Nottinghamshire strategy measure
-- (5,304 -> 3,433) by place and year.
-- Residence: the address of the person's latest GP registration (many die during the year).
{% call indicator_rows() %}
    with register_spells as (
        -- each spell on the register, cut to the year and to death (a person can have two)
        select
            periods.period, periods.period_start, periods.period_end,
            register.person_id,
            greatest(register.entered_on, periods.period_start) as on_register_from,
            least(coalesce(register.date_of_death, periods.period_end),
                  coalesce(register.left_on - 1, periods.period_end),
                  periods.period_end) as on_register_to
        from {{ ref('int_palliative_register') }} as register
        inner join {{ ref('int_reporting_periods') }} as periods
            on register.entered_on <= periods.period_end
            and (register.date_of_death is null or register.date_of_death >= periods.period_start)
            and (register.left_on is null or register.left_on > periods.period_start)
    ),

    attended as (
        select distinct register_spells.period, register_spells.person_id
        from register_spells
        inner join {{ ref('stg_ecds__attendances') }} as ecds
            on register_spells.person_id = ecds.person_id
            and ecds.is_unplanned
            and ecds.arrival_date between register_spells.on_register_from
                and register_spells.on_register_to
    ),

    register_years as (
        select period, period_start, period_end, person_id, max(on_register_to) as on_register_to
        from register_spells
        group by period, period_start, period_end, person_id
    )

    select
        register_years.period, register_years.period_start, register_years.period_end,
        persons.lad19cd, persons.lad19nm, persons.place_code, persons.place_name, persons.imd_quintile,
        persons.sex,
        {{ age_band(age_in_years('persons.birth_month', 'register_years.on_register_to')) }} as age_band,
        persons.ethnicity_group,
        case when attended.person_id is not null then 1 else 0 end as numerator,
        1 as denominator
    from register_years
    left join attended
        on register_years.period = attended.period and register_years.person_id = attended.person_id
    left join {{ ref('int_persons') }} as persons
        on register_years.person_id = persons.person_id
{% endcall %}

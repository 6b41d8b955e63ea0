-- CH-06: short-term support to maximise independence (ST-Max) that ended in the year with no
-- need for ongoing long-term support (sequel: no services, low-level or other short-term support),
-- of all ST-Max episodes that ended, excluding those ended by death (ASCOF 2A).
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        persons.lad19cd, persons.lad19nm, persons.place_code, persons.place_name, persons.imd_quintile,
        persons.sex,
        {{ age_band('extract(year from events.event_end_date) - events.birth_year') }} as age_band,
        persons.ethnicity_group,
        case when events.event_outcome <> 'Progress to Support Planning / Services' then 1 else 0 end
            as numerator,
        1 as denominator
    from {{ ref('stg_social_care__events') }} as events
    inner join {{ ref('int_reporting_periods') }} as periods
        on events.event_end_date between periods.period_start and periods.period_end
    left join {{ ref('int_persons') }} as persons
        on events.person_id = persons.person_id
    where events.service_type = 'Short Term Support: ST-Max'
        and events.event_outcome is not null
        and events.event_outcome <> 'NFA - Deceased'
{% endcall %}

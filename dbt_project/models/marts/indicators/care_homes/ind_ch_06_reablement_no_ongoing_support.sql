-- CH-06 (ASCOF 2A): episodes of short-term support to maximise independence (ST-Max) that followed
-- a new request and ended in the year, where what followed was no further request for ongoing
-- support: low-level or other short-term support, or no services. Denominator: those plus the
-- episodes followed by long-term support; episodes cut short by death, NHS-funded or end-of-life
-- care, a hospital admission or a move, or ended because the client self-funds or declined support,
-- and episodes whose sequel is unknown, are in neither (seed ref_st_max_sequels, int_st_max_sequels).
{% call indicator_rows() %}
    select
        periods.period, periods.period_start, periods.period_end,
        persons.lad19cd, persons.lad19nm, persons.place_code, persons.place_name, persons.imd_quintile,
        persons.sex,
        {{ age_band(age_from_birth_year_month('episodes.birth_year', 'episodes.birth_month_number',
                                              'episodes.episode_end_date')) }} as age_band,
        persons.ethnicity_group,
        case when episodes.in_numerator then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_st_max_sequels') }} as episodes
    inner join {{ ref('int_reporting_periods') }} as periods
        on episodes.episode_end_date between periods.period_start and periods.period_end
    left join {{ ref('int_persons') }} as persons
        on episodes.person_id = persons.person_id
    where episodes.in_denominator
{% endcall %}

-- A4-02: clients receiving long-term support in the year whose latest accommodation is settled
-- (own home or with family; ASCOF 2E) - the statuses are var settled_accommodation [verify].
{% call indicator_rows() %}
    select
        period, period_start, period_end, lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, {{ age_band('age') }} as age_band, ethnicity_group,
        case when latest_accommodation_status in ('{{ var("settled_accommodation") | join("', '") }}')
             then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_social_care_clients_by_year') }}
    where had_long_term_support = 1
{% endcall %}

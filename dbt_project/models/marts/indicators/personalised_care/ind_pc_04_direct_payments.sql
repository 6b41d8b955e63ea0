-- PC-04: clients receiving community-based long-term support in the year who had it as a direct
-- payment (ASCOF 3D part 2a).
{% call indicator_rows() %}
    select
        period, period_start, period_end, lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, {{ age_band('age') }} as age_band, ethnicity_group,
        had_direct_payment as numerator,
        1 as denominator
    from {{ ref('int_social_care_clients_by_year') }}
    where had_community_long_term_support = 1
{% endcall %}

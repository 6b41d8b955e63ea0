-- A4-01: adults aged 18-64 with a learning disability receiving long-term support in the year
-- whose latest employment status is paid work, of those with a status recorded.
{% call indicator_rows() %}
    select
        period, period_start, period_end, lad19cd, lad19nm, place_code, place_name, imd_quintile,
        sex, {{ age_band('age') }} as age_band, ethnicity_group,
        case when latest_employment_status like 'Paid:%' then 1 else 0 end as numerator,
        1 as denominator
    from {{ ref('int_social_care_clients_by_year') }}
    where had_long_term_support = 1 and learning_disability_support = 1
        and age between 18 and 64 and latest_employment_status is not null
{% endcall %}

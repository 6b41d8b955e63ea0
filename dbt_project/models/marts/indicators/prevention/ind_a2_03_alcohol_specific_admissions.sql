-- A2-03: admission episodes for alcohol-specific conditions (a wholly attributable code in the
-- primary or secondary diagnosis; any admission method; first episode, ordinary, day case or
-- mother and baby), all ages, directly standardised.
{% call indicator_rows() %}
    with episodes as (
        select
            episodes.*,
            {{ age_band('episodes.age_on_admission') }} as age_band,
            {{ esp_age_band('episodes.age_on_admission') }} as esp_age_band,
            {{ sex_label('episodes.sex_code') }} as sex,
            {{ ethnicity_group('episodes.ethnic_category') }} as ethnicity_group,
            areas.imd_quintile, areas.lad19cd, areas.lad19nm, areas.place_code, areas.place_name
        from {{ ref('stg_apc__episodes') }} as episodes
        left join {{ ref('int_lsoas_with_areas') }} as areas
            on episodes.lsoa11cd = areas.lsoa11cd
        where episodes.episode_number = 1 and episodes.patient_classification in ('1', '2', '5')
    )
    {{ event_rows('episodes', 'admission_date',
                  where="(" ~ icd10_in_group('events.primary_diagnosis_icd10', 'alcohol_specific')
                        ~ " or " ~ icd10_in_group('events.secondary_diagnosis_icd10', 'alcohol_specific') ~ ")") }}
    union all
    {{ population_rows() }}
{% endcall %}

-- Emergency admissions (spells): the first episode of each spell with an emergency admission
-- method, ordinary or day-case (var emergency_admission_methods, docs/methods.md#shared-code-lists), with residence on the record.
select
    episodes.episode_id,
    episodes.person_id,
    episodes.admission_date,
    episodes.discharge_date,
    episodes.admission_method,
    episodes.admission_source,
    episodes.primary_diagnosis_icd10,
    episodes.secondary_diagnosis_icd10,
    episodes.age_on_admission,
    {{ age_band('episodes.age_on_admission') }} as age_band,
    {{ esp_age_band('episodes.age_on_admission') }} as esp_age_band,
    {{ sex_label('episodes.sex_code') }} as sex,
    {{ ethnicity_group('episodes.ethnic_category') }} as ethnicity_group,
    areas.imd_quintile,
    areas.lad19cd,
    areas.lad19nm,
    areas.place_code,
    areas.place_name
from {{ ref('stg_apc__episodes') }} as episodes
left join {{ ref('int_lsoas_with_areas') }} as areas
    on episodes.lsoa11cd = areas.lsoa11cd
where episodes.episode_number = 1
    and episodes.admission_method in ({{ "'" ~ var('emergency_admission_methods') | join("', '") ~ "'" }})
    and episodes.patient_classification in ('1', '2')

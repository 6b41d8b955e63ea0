-- One row per registration (person x practice x start): the latest delivered version wins.
with versions as (
    select
        *,
        row_number() over (
            partition by person_id, practice_code, registration_start_date
            order by extract_date desc, _batch_id desc, _row_number desc
        ) as version_rank
    from {{ source('gp', 'gp_registrations') }}
)

select
    person_id,
    sex as sex_code,
    birth_year_month as birth_month,
    ethnic_category,
    lsoa11 as lsoa11cd,
    practice_code,
    registration_start_date,
    registration_end_date,
    date_of_death,
    extract_date,
    _batch_id as batch_id
from versions
where version_rank = 1

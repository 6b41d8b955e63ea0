-- One row per birth: the latest delivered version wins. A baby without a linked id is keyed by
-- mother and birth date.
select
    baby_person_id,
    mother_person_id,
    birth_date,
    birth_weight_g,
    gestation_weeks,
    live_or_stillbirth = 'Live' as is_live_birth,
    mother_lsoa11 as lsoa11cd,
    mother_ethnic_category,
    mother_smoking_at_booking,
    mother_smoking_at_delivery,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(
    source('msds', 'msds_births'),
    ["coalesce(baby_person_id, mother_person_id || '/' || cast(birth_date as " ~ dbt.type_string() ~ "))"]
) }} as births

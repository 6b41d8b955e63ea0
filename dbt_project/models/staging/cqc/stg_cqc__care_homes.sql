-- One row per CQC care-home location, as in the latest snapshot that lists it.
select
    cqc_location_id,
    location_name,
    postcode,
    uprn,
    lsoa11 as lsoa11cd,
    care_home_type,
    beds,
    specialisms,
    latest_rating,
    registration_start,
    registration_end,
    aligned_pcn_code,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(source('cqc', 'care_home_reference'), ['cqc_location_id']) }} as homes

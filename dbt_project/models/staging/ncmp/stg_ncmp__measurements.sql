-- One row per child per school year (Reception or Year 6): the latest delivered version wins.
-- A measurement without a linked child id cannot be matched to a re-submission and is kept.
select
    person_id,
    school_year,
    measurement_date,
    height_cm,
    weight_kg,
    bmi,
    bmi_centile,
    bmi_category,
    child_lsoa11 as lsoa11cd,
    school_urn,
    ethnic_category,
    sex as sex_code,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(
    source('ncmp', 'ncmp_measurements'),
    ["coalesce(person_id, _batch_id || '/' || cast(_row_number as " ~ dbt.type_string() ~ "))",
     'school_year']
) }} as measurements

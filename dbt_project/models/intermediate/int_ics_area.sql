-- The ICS as an area: one row, from the geography seed (one home for its code and name).
select distinct
    icb22cd as area_code,
    icb22nm as area_name
from {{ ref('ref_lsoa11_geography') }}

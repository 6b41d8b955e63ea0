-- Every LSOA (2011) in England with its IMD 2019 deprivation; the ICS's LSOAs also carry their
-- local authority and ICS place. LSOAs outside the ICS keep their deprivation, with no place.
select
    imd.lsoa11cd,
    imd.imd_decile,
    imd.imd_quintile,
    geo.lad19cd,
    geo.lad19nm,
    places.place_code,
    places.place_name
from {{ ref('ref_imd2019_lsoa11') }} as imd
left join {{ ref('ref_lsoa11_geography') }} as geo
    on imd.lsoa11cd = geo.lsoa11cd
left join {{ ref('ref_ics_places') }} as places
    on geo.lad19cd = places.lad19cd

{{ config(alias='lsoa_deprivation') }}
-- IMD 2019 decile and quintile of each LSOA of the ICS with its local authority and place: public
-- reference data, published so that the board pack's deprivation map reads the published schema.
select lsoa11cd, imd_decile, imd_quintile, lad19cd, lad19nm, place_code, place_name
from {{ ref('int_lsoas_with_areas') }}
where place_code is not null  -- the ICS's own LSOAs

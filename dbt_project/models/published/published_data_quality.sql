{{ config(alias='data_quality') }}
-- The data-quality summary the board pack shows: shares as measured, counts under the same
-- disclosure rules as every published count (rows dated after a death are about people).
select
    source,
    month,
    {{ publishable_count('rows') }} as rows,
    completeness,
    validity,
    {{ publishable_count('duplicate_rows') }} as duplicate_rows,
    timeliness,
    {{ publishable_count('activity_after_death') }} as activity_after_death
from {{ source('ops', 'data_quality') }}

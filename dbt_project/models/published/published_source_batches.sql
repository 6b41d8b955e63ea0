{{ config(alias='source_batches') }}
-- What each source delivered, for the "source batches" line of every report page: files by status
-- (counts of files, not of people), rows loaded and flagged (published counts), the delivery
-- window, the latest file and batch id (so a figure can be traced to its deliveries), and whether
-- any loaded file was a synthetic (demo) delivery, which the board pack must then say on every page.
with batches as (
    select * from {{ source('ops', 'ingest_batches') }}
),

latest as (
    select source, file_name, batch_id, received_at,
        row_number() over (partition by source order by received_at desc, file_name desc) as recency
    from batches
    where status = 'loaded'
)

select
    batches.source,
    cast(sum(case when batches.status = 'loaded' then 1 else 0 end) as integer) as files_loaded,
    cast(sum(case when batches.status = 'quarantined' then 1 else 0 end) as integer) as files_quarantined,
    cast(sum(case when batches.status = 'duplicate' then 1 else 0 end) as integer) as files_duplicate,
    {{ publishable_count('sum(batches.rows_loaded)') }} as rows_loaded,
    {{ publishable_count('sum(batches.rows_flagged)') }} as rows_flagged,
    min(batches.received_at) as first_received_at,
    max(batches.received_at) as last_received_at,
    max(case when latest.recency = 1 then latest.file_name end) as latest_file,
    max(case when latest.recency = 1 then latest.batch_id end) as latest_batch_id,
    coalesce(bool_or(batches.synthetic) filter (where batches.status = 'loaded'), false) as synthetic
from batches
left join latest
    on batches.batch_id = latest.batch_id
group by batches.source

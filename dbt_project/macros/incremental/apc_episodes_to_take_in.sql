{% macro apc_episodes_to_take_in() -%}
{#- The stg_apc__episodes rows (alias episodes) that int_apc_admissions takes in on an incremental
    run: those of a delivery none of its rows comes from (an episode whose latest version changes
    takes the new version's delivery, never one seen before; a delivery of later episodes only is
    looked at again each time, and adds nothing), and those with no LSOA on the record, whose
    residence is the GP address on the admission date (macro left_join_gp_address), which a newly
    delivered registration can change. The deliveries are listed when the model runs, before its
    pre-hook deletes anything, so the hook and the model's SQL name the same ones. -#}
{%- if execute -%}
    {%- set batches = run_query("select distinct batch_id from " ~ ref('stg_apc__episodes')
                                ~ " where batch_id not in (select distinct batch_id from " ~ this
                                ~ " where batch_id is not null) order by 1").columns[0].values() -%}
(episodes.lsoa11cd is null{% if batches | length > 0 %} or episodes.batch_id in ('{{ batches | join("', '") }}'){% endif %})
{%- else -%}
false
{%- endif -%}
{%- endmacro %}


{% macro delete_admissions_to_take_in_again() -%}
{#- int_apc_admissions' pre-hook on an incremental run: the rows of the episodes it takes in again
    (macro apc_episodes_to_take_in, any episode number), and every row placed without the record's
    LSOA. -#}
{%- if is_incremental() -%}
delete from {{ this }}
where residence_source <> 'hospital_record'
    or episode_id in (
        select episode_id from {{ ref('stg_apc__episodes') }} as episodes
        where {{ apc_episodes_to_take_in() }}
    )
{%- endif -%}
{%- endmacro %}

{% macro apc_episodes_to_take_in() -%}
{#- The stg_apc__episodes rows (alias episodes) that int_apc_admissions takes in on an incremental
    run: those of a delivery none of its rows comes from (macro batches_not_taken_in; a delivery
    of later episodes only is looked at again each time, and adds nothing), and those with no
    LSOA on the record, whose residence is the GP address on the admission date (macro
    left_join_gp_address), which a newly delivered registration can change. -#}
(episodes.lsoa11cd is null or {{ batches_not_taken_in(ref('stg_apc__episodes'), 'episodes') }})
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

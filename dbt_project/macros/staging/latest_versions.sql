{#-
    The latest delivered version of each record: feeds re-send records (SUS flex-and-freeze, CLD
    stacks every submission), so staging keeps one row per key, chosen by the supersession rule
    (data_contracts/README.md#which-version-of-a-record-wins):

    1. the newest extract date first (`newest_first`: a source may put its import date before it);
    2. on a tie, the later delivery: `_delivery_seq`, the order in which the pipeline took the
       files (an earlier run before a later one; within one run, file-name order), so a corrected
       re-delivery of a month beats the file it corrects;
    3. within one file, the later row (`_row_number`).

    Returns a subquery; plain SQL so it runs on any adapter.
-#}
{% macro latest_versions(relation, key_columns, newest_first='extract_date desc', nullable_keys=false) %}
{#- Most keys are delivered once: those rows are kept as they are, and only the keys delivered more
    than once (or with a NULL in the key, which the window groups as one) are ranked. Ranking every
    row was the costliest step of staging at 1.2M people (docs/scaling.md); the rows kept are the
    same. A key column may be an expression of the relation's columns: repeated_keys names them
    _key_0, _key_1, ... so that inside the EXISTS they still mean the outer row's columns. -#}
{%- set matches_repeated -%}
    exists (
        select 1 from repeated_keys
        where {% for key in key_columns %}repeated_keys._key_{{ loop.index0 }} = ({{ key }}){{ ' and ' if not loop.last }}{% endfor %}
    )
{%- endset -%}
(
    with
    {%- if is_incremental() %}
    {#- A staging table incremental by delivery (macro incremental_where_engine_allows): only the keys
        delivered since the table was last built are ranked again, over every delivered version of
        them, and replace their rows (delete+insert on the table's key); a key no new delivery
        holds keeps the row it had, which is the row a full rebuild would choose. The keys of most
        incremental staging tables are never NULL (their contracts reject such rows), and a NULL
        would match nothing here, nor would delete+insert replace it. A table whose key may hold
        NULLs passes `nullable_keys=true`: its keys are matched with IS NOT DISTINCT FROM, and
        it deletes the keys' old rows itself (macro delete_redelivered_keys) and appends. #}
    redelivered_keys as (
        select distinct {% for key in key_columns %}{{ key }} as _key_{{ loop.index0 }}{{ ', ' if not loop.last }}{% endfor %}
        from {{ relation }}
        where {{ delivered_since_last_build(relation) }}
    ),

    delivered as (
        select *
        from {{ relation }}
        where exists (
            select 1 from redelivered_keys
            where {% for key in key_columns %}redelivered_keys._key_{{ loop.index0 }} {{ 'is not distinct from' if nullable_keys else '=' }} ({{ key }}){{ ' and ' if not loop.last }}{% endfor %}
        )
    ),
    {%- set relation = 'delivered' %}
    {%- endif %}

    repeated_keys as (
        select {% for key in key_columns %}{{ key }} as _key_{{ loop.index0 }}{{ ', ' if not loop.last }}{% endfor %}
        from {{ relation }}
        group by {{ key_columns | join(', ') }}
        having count(*) > 1
    )

    select *, 1 as _version_rank
    from {{ relation }}
    where {% for key in key_columns %}({{ key }}) is not null and {% endfor %}not {{ matches_repeated }}

    union all

    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by {{ newest_first }}, _delivery_seq desc nulls last, _row_number desc
            ) as _version_rank
        from {{ relation }}
        where {% for key in key_columns %}({{ key }}) is null or {% endfor %}{{ matches_repeated }}
    ) as ranked
    where _version_rank = 1
)
{% endmacro %}


{% macro delivered_since_last_build(relation) -%}
{#- The raw rows of `relation` delivered after the staging table being built was last built; a row
    without a delivery number (not written by landing) is always looked at again. -#}
(_delivery_seq > {{ last_built_delivery(relation) }} or _delivery_seq is null)
{%- endmacro %}


{% macro last_built_delivery(relation) -%}
{#- The newest delivery (raw column _delivery_seq) that the staging table being built holds a row
    of: every delivery up to it was landed before the table was last built, since deliveries are
    numbered in the order they land. Read when the model runs and written into its SQL as a number,
    so that DuckDB skips the raw table's older row groups by their min/max. A later delivery none
    of whose rows won is simply ranked again. -#}
{%- if execute -%}
    {%- set newest = run_query("select coalesce(max(_delivery_seq), -1) from " ~ relation
                               ~ " where _batch_id in (select distinct batch_id from " ~ this ~ ")") -%}
    {{- newest.columns[0].values()[0] -}}
{%- else -%}
    -1
{%- endif -%}
{%- endmacro %}


{% macro delete_redelivered_keys(relation, key_columns, staged_columns) -%}
{#- The pre-hook of a staging table incremental by delivery whose key may hold NULLs
    (latest_versions with nullable_keys=true, strategy append): on an incremental run, the rows of
    every key a new delivery holds, matched with IS NOT DISTINCT FROM, which the model then ranks
    again and appends. `key_columns`: the key in the raw relation's terms, as latest_versions is
    given it; `staged_columns`: the same key's columns in the staging table, in the same order. -#}
{%- if is_incremental() -%}
delete from {{ this }} as staged
where exists (
    select 1 from {{ relation }} as delivered
    where {{ delivered_since_last_build(relation) }}
    {%- for key in key_columns %}
        and ({{ key }}) is not distinct from staged.{{ staged_columns[loop.index0] }}
    {%- endfor %}
)
{%- endif -%}
{%- endmacro %}


{% macro delete_redelivered_episodes_diagnoses() -%}
{#- stg_apc__diagnoses' pre-hook on an incremental run: every diagnosis row of the episodes about
    to be ranked again, whose new rows the model then appends. delete+insert would delete only the
    episodes it inserts rows for, so an episode re-delivered with no code in any position (the
    primary is checked by a flag rule only, so it can arrive empty) would keep its old codes. -#}
{%- if is_incremental() -%}
{%- set episodes = source('apc', 'apc_episodes') -%}
delete from {{ this }}
where episode_id in (
    select APCE_Ident from {{ episodes }}
    where {{ delivered_since_last_build(episodes) }}
)
{%- endif -%}
{%- endmacro %}

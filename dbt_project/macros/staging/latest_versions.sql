{#-
    The latest delivered version of each record: feeds re-send records (SUS flex-and-freeze, CLD
    stacks every submission), so staging keeps, per key, the row from the newest extract, and within
    one extract the last batch and row. Returns a subquery; plain SQL so it runs on any adapter.
-#}
{% macro latest_versions(relation, key_columns, newest_first='extract_date desc') %}
(
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by {{ newest_first }}, _batch_id desc, _row_number desc
            ) as _version_rank
        from {{ relation }}
    ) as ranked
    where _version_rank = 1
)
{% endmacro %}

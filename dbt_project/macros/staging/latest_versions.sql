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
{% macro latest_versions(relation, key_columns, newest_first='extract_date desc') %}
(
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by {{ newest_first }}, _delivery_seq desc nulls last, _row_number desc
            ) as _version_rank
        from {{ relation }}
    ) as ranked
    where _version_rank = 1
)
{% endmacro %}

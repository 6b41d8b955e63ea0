{#- The incremental strategy of the per-period models (unique_key and partition_by 'period';
    macro in_periods_to_build picks the periods a run rebuilds). DuckDB: delete the rebuilt
    periods, insert them again. Spark has no delete+insert (and merge needs Delta, Iceberg or
    Hudi): its table is partitioned by period and the rebuilt partitions are overwritten, which
    leaves the same rows. -#}
{% macro period_incremental_strategy() -%}
    {{ return(adapter.dispatch('period_incremental_strategy')()) }}
{%- endmacro %}

{% macro default__period_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__period_incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{#- The materialization of the models that are incremental where the engine allows it: the large
    staging tables (macro latest_versions, incremental by delivery: only the keys of new
    deliveries re-ranked), int_gp_events_clustered and int_apc_admissions (appended by delivery),
    int_persons and int_person_registrations (by person: macro people_to_build_again, the people
    with new registrations or a death) and int_gp_addresses (by person: macro
    people_with_new_registrations), and the indicator models (macro indicator_rows, incremental
    by period). DuckDB: incremental. Spark: a table rebuilt each time, for two reasons. It has no
    delete+insert and its partitions are not the staging keys. And a period-partitioned Spark
    table with no rows (an indicator whose events the data do not hold yet) has no data file, so
    nothing that reads its files, such as the engines' comparison, could tell its columns. -#}
{% macro incremental_where_engine_allows() -%}
    {{ return(adapter.dispatch('incremental_where_engine_allows')()) }}
{%- endmacro %}

{% macro default__incremental_where_engine_allows() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_where_engine_allows() -%}
    {{ return('table') }}
{%- endmacro %}

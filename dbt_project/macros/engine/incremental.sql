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

{#- The materialization of the large staging tables (macro latest_versions): on DuckDB incremental
    by delivery (delete+insert on the table's key, only the keys of new deliveries re-ranked); on
    Spark a table rebuilt each time, as it has no delete+insert and its partitions are not keys. -#}
{% macro staging_materialization() -%}
    {{ return(adapter.dispatch('staging_materialization')()) }}
{%- endmacro %}

{% macro default__staging_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__staging_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- The materialization of the indicator models (macro indicator_rows): on DuckDB incremental by
    period; on Spark a table rebuilt each time. A period-partitioned Spark table with no rows (an
    indicator whose events the data do not hold yet) has no data file, so nothing that reads its
    files, such as the engines' comparison, could tell its columns. -#}
{% macro indicator_materialization() -%}
    {{ return(adapter.dispatch('indicator_materialization')()) }}
{%- endmacro %}

{% macro default__indicator_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__indicator_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

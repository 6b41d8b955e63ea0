{#- The raw and ops sources on each engine. DuckDB: tables in the warehouse file, written by
    landing (pipelines/landing/raw.py). Spark: external Parquet tables over the export of the raw
    layer (pipelines/warehouse/spark_raw.py: <PH_SPARK_DIR>/raw/<schema>/<table>/, raw tables
    partitioned by _batch_id), declared again at the start of every run so new batches are seen.
    A source whose meta says on_spark: false has no export and is not declared (Spark would refuse
    the build: it cannot take a table's columns from an empty folder). -#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set root = env_var('PH_SPARK_DIR') ~ '/raw' -%}
        {%- set declared = [] -%}
        {%- for source in graph.sources.values()
                if source.config.meta.get('on_spark', true)
                and source.schema ~ '.' ~ source.identifier not in declared -%}
            {%- do declared.append(source.schema ~ '.' ~ source.identifier) -%}
            {%- set relation = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('create database if not exists ' ~ source.schema) -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query('create table ' ~ relation ~ " using parquet location '"
                             ~ root ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'") -%}
            {%- if source.schema == 'raw' -%}
                {%- do run_query('msck repair table ' ~ relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

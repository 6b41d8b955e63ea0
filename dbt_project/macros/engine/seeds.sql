{#- Loading a seed on Spark: dbt-spark inserts a seed's rows as bound VALUES, chunk by chunk (about
    7 s for five rows, minutes for the 33,000 LSOAs of the IMD); this reads the CSV file with
    Spark's own reader instead, each column cast to the type the table was created with (the
    seed's column_types, else dbt's inference, as dbt-spark creates it). Empty fields are NULL,
    as dbt reads them. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set path = model['root_path'] ~ '/' ~ model['original_file_path'] -%}
    {%- set view = 'seed_csv_' ~ model['name'] -%}
    {%- set create_view -%}
        create or replace temporary view {{ view }}
        using csv options (path '{{ path }}', header 'true', inferSchema 'false', nullValue '',
                           multiLine 'true', escape '"', encoding 'UTF-8')
    {%- endset -%}
    {%- set sql -%}
        insert into {{ this.render() }}
        select
        {%- for col_name in agate_table.column_names %}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) %}
            cast(`{{ col_name }}` as {{ column_override.get(col_name, inferred_type) }})
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
        from {{ view }}
    {%- endset -%}
    {%- do adapter.execute(create_view) -%}
    {%- do adapter.execute(sql) -%}
    {%- do adapter.execute('drop view if exists ' ~ view) -%}
    {{ return(sql) }}
{% endmacro %}

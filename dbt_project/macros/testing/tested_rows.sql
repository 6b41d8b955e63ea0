{#- dbt's get_where_subquery (the rows a data test reads: its `where` config), with one addition.
    A test of a per-period model whose `where` is '__periods_this_build_wrote__' reads:
    - on a refresh of the project that built the warehouse (var refresh_of_built_project, set by
      pipelines/warehouse/dbt.py for a whole build with the stored fingerprint and without
      --full-refresh), the open periods only (macro open_periods): the periods such a build
      writes. Every other period holds the rows the earlier build wrote and tested, unchanged
      since (a build that fails a test is never swapped in, and a changed project is rebuilt
      whole). At 1.2M people the unique test of int_gp_status_at_year_end read every period's
      7M rows for the 1.2M it was given, and the year-end indicators waited for it
      (docs/scaling.md R9);
    - otherwise (a first build, a full refresh, a changed project, a build of some models), every
      row, as without `where`.
    Only for a model without provisional-death periods (they are rebuilt too: macro
    in_periods_to_build), and whose period column is `period`. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == '__periods_this_build_wrote__' -%}
        {%- if var('refresh_of_built_project', false) -%}
            {%- set periods = graph.nodes.values() | selectattr('name', 'equalto', 'int_periods')
                              | map(attribute='relation_name') | first -%}
            {%- set filtered -%}
            (select * from {{ relation }}
             where period in (select period from ({{ open_periods(periods) }}) as open_periods)) dbt_subquery
            {%- endset -%}
            {{ return(filtered) }}
        {%- endif -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}

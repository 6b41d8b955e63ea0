{#- dbt's get_where_subquery (the rows a data test reads: its `where` config), with two additions
    for a refresh of the project that built the warehouse (var refresh_of_built_project, set by
    pipelines/warehouse/dbt.py for a whole build with the stored fingerprint and without
    --full-refresh). Such a build rewrites only some rows of its incremental tables; the others hold
    what the earlier build wrote and tested, unchanged since (a build that fails a test is never
    swapped in, and a changed project is rebuilt whole). So a test marked for it reads:

    - `where: __periods_this_build_wrote__`, on a per-period model: the open periods only (macro
      open_periods), the periods such a build writes. At 1.2M people the unique test of
      int_gp_status_at_year_end read every period's 7M rows for the 1.2M it was given, and the
      year-end indicators waited for it (docs/scaling.md R9). Only for a model without
      provisional-death periods (they are rebuilt too: macro in_periods_to_build), and whose period
      column is `period`;
    - `where: __keys_this_build_delivered__`, on a staging table incremental by delivery (macro
      latest_versions): the rows of the keys that a delivery after the last build holds a winning
      row of (its batch_id is a delivery newer than ops.build_fingerprint's deliveries_taken_in),
      with any other row of the same keys, so that a unique test still finds a new row that
      duplicates a kept one. The key is the test's column (`unique`) or its first column
      (`unique_combination`). A re-delivered key whose winning row is an older delivery's is not
      read: its row is the one the last build tested, written again. At 1.2M people the unique
      test of stg_gp__events grouped every event (5 s) for a month's, and every intermediate model
      on the events waited for it (docs/scaling.md R10).

    Any other build (a first build, a full refresh, a changed project, a build of some models, a
    Spark build) reads every row, as without `where`.
    The tables are found through dbt's graph, not ref() or source(): a test that called them while
    it runs would read a node it was not parsed as depending on (dbt refuses a ref then). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where in ('__periods_this_build_wrote__', '__keys_this_build_delivered__') -%}
        {%- if not var('refresh_of_built_project', false) -%}
            {{ return(relation) }}
        {%- elif where == '__periods_this_build_wrote__' -%}
            {%- set periods = graph_relation(graph.nodes, 'int_periods') -%}
            {%- set rows -%}
            period in (select period from ({{ open_periods(periods) }}) as open_periods)
            {%- endset -%}
        {%- else -%}
            {%- set arguments = model.test_metadata.kwargs -%}
            {%- set key = arguments.get('column_name') or (arguments.get('columns') or [none])[0] -%}
            {%- if not key -%}
                {{ exceptions.raise_compiler_error(
                    "where: __keys_this_build_delivered__ needs a test of a column or of columns ("
                    ~ model.name ~ ")") }}
            {%- endif -%}
            {%- set batches = graph_relation(graph.sources, 'ingest_batches') -%}
            {%- set last_build = graph_relation(graph.sources, 'build_fingerprint') -%}
            {%- set rows -%}
            {{ key }} in (
                select {{ key }} from {{ relation }}
                where batch_id in (
                    select batch_id from {{ batches }}
                    where delivery_seq > (select deliveries_taken_in from {{ last_build }})))
            {%- endset -%}
        {%- endif -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ rows ~ ') dbt_subquery') }}
    {%- endif -%}
    {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}


{% macro graph_relation(nodes, name) -%}
{#- The relation of the model or source called `name` in `nodes` (graph.nodes or graph.sources). -#}
{{ return(nodes.values() | selectattr('name', 'equalto', name) | map(attribute='relation_name') | first) }}
{%- endmacro %}

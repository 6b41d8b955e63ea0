{% macro period_batches(relation, rows_per_batch) -%}
{#- The periods a per-period model builds (macro in_periods_to_build), cut into batches of
    consecutive periods holding at most `rows_per_batch` rows of `relation` between them (a period
    holding more is a batch of its own). A model that reads person rows by period builds each
    batch on its own, so that its joins hold one batch's people at a time (as the timings show:
    all six year ends of int_gp_status_at_year_end at once took 103 s at 3.6M people, spilling
    past DuckDB's 3 GB; three batches of two years 68 s; docs/scaling.md R13): a statement per
    batch where the engine allows it, else a UNION ALL branch (macro period_batch_statements).
    One batch when everything fits (at 4,000 people); with the project's var('period_batch_rows'),
    a batch per year at 1.2M people and more (R18).
    Returns a list of batches, each a list of periods (one empty batch when there is nothing to
    build). Returns [none] when the periods are not looked up: at parse time and in a unit test,
    which has no warehouse; macro in_period_batch then filters as in_periods_to_build does. -#}
{%- if not execute or model.resource_type == 'unit_test' -%}
    {{ return([none]) }}
{%- endif -%}
{%- set counted -%}
    select period, count(*) as row_count
    from {{ relation }}
    where {{ in_periods_to_build('period') }}
    group by period
    order by period
{%- endset -%}
{%- set batches = [[]] -%}
{%- set rows_in = {'batch': 0} -%}
{%- for row in run_query(counted).rows -%}
    {%- if batches[-1] | length > 0 and rows_in.batch + row['row_count'] > rows_per_batch -%}
        {%- do batches.append([]) -%}
        {%- do rows_in.update({'batch': 0}) -%}
    {%- endif -%}
    {%- do batches[-1].append(row['period']) -%}
    {%- do rows_in.update({'batch': rows_in.batch + row['row_count']}) -%}
{%- endfor -%}
{{ return(batches) }}
{%- endmacro %}


{% macro period_batch_statements(batches) -%}
{#- The batches of macro period_batches grouped into the statements that build them: a list of
    statements, each a list of batches (a UNION ALL branch each). The first is the model's own
    SELECT; the rest are its post-hook's, each deleting its years' rows and inserting them.
    DuckDB: the model's SELECT holds no year (an empty batch: no rows, the table's columns) and
    each batch is a statement of its own. A UNION ALL's branches are not built one after another:
    at 3.6M people the six years in one statement took 55 s, spilling 1.9 GB past the 3 GB limit,
    and six statements 47 s without spilling; at 1.2M, 14.3 and 14.4 s (docs/scaling.md change 23).
    The model's own statement builds none of them because the post-hook looks the batches up
    again, after dbt has written that statement's rows: a year the model did not hold before
    would then no longer count as one to build (macro in_periods_to_build). Other engines (Spark:
    its period-partitioned tables have no delete): every batch in the model's SELECT. So too with
    no warehouse to look the periods up in (parse time, a unit test: [none]), and with
    var('period_batches_in_one_statement'), for the dbt_build benchmark's baseline, which runs
    each model's compiled SELECT and no hook. -#}
    {%- if batches == [none] or var('period_batches_in_one_statement') -%}
        {{ return([batches]) }}
    {%- endif -%}
    {{ return(adapter.dispatch('period_batch_statements')(batches)) }}
{%- endmacro %}

{% macro default__period_batch_statements(batches) -%}
    {{ return([batches]) }}
{%- endmacro %}

{% macro duckdb__period_batch_statements(batches) -%}
    {%- set statements = [[[]]] -%}
    {%- for batch in batches if batch | length > 0 -%}
        {%- do statements.append([batch]) -%}
    {%- endfor -%}
    {{ return(statements) }}
{%- endmacro %}


{% macro in_period_batch(period_column, batch) -%}
{#- The filter of one batch of macro period_batches: its periods, written into the SQL (as
    in_periods_to_build's inline list is, so the engine skips the other periods' row groups);
    none: in_periods_to_build's own filter. -#}
{%- if batch is none -%}
    {{ in_periods_to_build(period_column, inline=true) }}
{%- else -%}
    {{ in_period_list(period_column, batch) }}
{%- endif -%}
{%- endmacro %}


{% macro period_batch_span(batch) -%}
{#- One batch's periods (macro period_batches) as dates from int_periods, for a model to bound
    its reads of dated rows by what its joins to those periods would keep anyway: written into
    the SQL as literals, the engine drops the other rows as it scans, not in each join (at 12M
    people each year is a batch of its own, and each batch read every event). A dict of SQL date
    literals: first_start, the earliest start; first_end, the earliest end; last_end, the latest
    end. none when there is no batch to bound (none: parse time or a unit test; nothing to build;
    or periods int_periods no longer holds, whose rows then meet no year anyway). -#}
{%- if batch is none or batch | length == 0 -%}
    {{ return(none) }}
{%- endif -%}
{%- set text = dbt.type_string() -%}
{%- set span_query -%}
    select
        cast(min(period_start) as {{ text }}), cast(min(period_end) as {{ text }}),
        cast(max(period_end) as {{ text }})
    from {{ ref('int_periods') }}
    where {{ in_period_list('period', batch) }}
{%- endset -%}
{%- set span = run_query(span_query).rows[0] -%}
{%- if span[0] is none -%}
    {{ return(none) }}
{%- endif -%}
{{ return({'first_start': "cast('" ~ span[0] ~ "' as date)",
           'first_end': "cast('" ~ span[1] ~ "' as date)",
           'last_end': "cast('" ~ span[2] ~ "' as date)"}) }}
{%- endmacro %}

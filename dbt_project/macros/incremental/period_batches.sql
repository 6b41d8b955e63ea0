{% macro period_batches(relation, rows_per_batch) -%}
{#- The periods a per-period model builds (macro in_periods_to_build), cut into batches of
    consecutive periods holding at most `rows_per_batch` rows of `relation` between them (a period
    holding more is a batch of its own). A model that reads person rows by period builds each
    batch in its own branch of a UNION ALL, so that its joins hold one batch's people at a time
    (as the timings show: all six year ends of int_gp_status_at_year_end at once took 103 s at
    3.6M people, spilling past DuckDB's 3 GB; three branches of two years 68 s, about what three
    statements took; docs/scaling.md R13). One batch when everything fits (at 4,000 people); with
    the project's var('period_batch_rows'), a batch per year at 1.2M people and more (R18).
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

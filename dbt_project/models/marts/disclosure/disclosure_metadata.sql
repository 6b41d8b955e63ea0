-- What disclosure control needs from the indicator and series registry (their YAML meta, read
-- from dbt's graph): the whole an indicator is a share of (`partition_of`: the five place-of-death
-- shares split one denominator), and the indicator count a monthly series adds up to over a
-- financial year (`sums_to`). One row per indicator or series that declares either.
{%- set rows = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- set meta = node.config.meta or {} -%}
        {%- set indicator = meta.get('indicator') or {} -%}
        {%- if indicator.get('partition_of') -%}
            {%- do rows.append([indicator.id, indicator.partition_of, none, none]) -%}
        {%- endif -%}
        {%- for series in meta.get('series', []) if series.get('sums_to') -%}
            {%- do rows.append([series.id, none, series.sums_to.indicator, series.sums_to.count]) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}

{%- set null = "cast(null as " ~ dbt.type_string() ~ ")" %}

select
    cast(null as {{ dbt.type_string() }}) as id,
    cast(null as {{ dbt.type_string() }}) as partition_of,
    cast(null as {{ dbt.type_string() }}) as sums_to_indicator,
    cast(null as {{ dbt.type_string() }}) as sums_to_count
where 1 = 0
{%- for id, partition_of, indicator, count in rows | sort %}
union all
select
    '{{ id }}',
    {{ null if partition_of is none else "'" ~ partition_of ~ "'" }},
    {{ null if indicator is none else "'" ~ indicator ~ "'" }},
    {{ null if count is none else "'" ~ count ~ "'" }}
{%- endfor %}

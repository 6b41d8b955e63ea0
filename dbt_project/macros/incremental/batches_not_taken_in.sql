{% macro batches_not_taken_in(relation, alias) -%}
{#- A filter on `relation`'s rows (alias `alias`) for the incremental model being built: those of a
    batch (column batch_id) none of the model's rows comes from. A row whose latest version changes
    takes the new version's batch, always one not seen before. The batches are listed when the
    model runs and written into its SQL, so a pre-hook that deletes the rows about to be taken in
    again and the model's SQL, both rendered before the hook runs, name the same ones. Used by
    int_gp_events_clustered and int_apc_admissions. -#}
{%- if execute -%}
    {%- set batches = run_query("select distinct batch_id from " ~ relation
                                ~ " where batch_id not in (select distinct batch_id from " ~ this
                                ~ " where batch_id is not null) order by 1").columns[0].values() -%}
    {%- if batches | length > 0 -%}
{{ alias }}.batch_id in ('{{ batches | join("', '") }}')
    {%- else -%}
false
    {%- endif -%}
{%- else -%}
false
{%- endif -%}
{%- endmacro %}

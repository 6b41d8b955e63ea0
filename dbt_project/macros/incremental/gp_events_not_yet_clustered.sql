{% macro gp_events_not_yet_clustered() -%}
{#- The stg_gp__events rows (alias events) that int_gp_events_clustered has not taken in: those from
    a delivery none of its rows comes from. An event whose latest version changes takes the new
    version's delivery, always one not seen before; a delivery whose events are all in no cluster
    is looked at again each time, and adds nothing (macro batches_not_taken_in). -#}
{{- batches_not_taken_in(ref('stg_gp__events'), 'events') -}}
{%- endmacro %}


{% macro delete_gp_events_not_yet_clustered() -%}
{#- int_gp_events_clustered's pre-hook on an incremental run: the old rows of the events about to be
    taken in again, so that an event re-delivered with a code in no cluster loses its row. -#}
{%- if is_incremental() -%}
delete from {{ this }}
where event_id in (
    select event_id from {{ ref('stg_gp__events') }} as events
    where {{ gp_events_not_yet_clustered() }}
)
{%- endif -%}
{%- endmacro %}

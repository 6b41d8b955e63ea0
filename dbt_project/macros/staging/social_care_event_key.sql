{% macro social_care_event_key(columns='raw') -%}
{#- What identifies a social-care event across CLD submissions, as NHS England's CLD code keys events
    (data_contracts/README.md#asc_cld_events): in the raw extract's terms (`columns='raw'`, for
    macro latest_versions) or stg_social_care__events' (`'staged'`), in the same order. Several
    parts may be NULL (a request has no service type). -#}
{%- if columns == 'raw' -%}
    {%- do return(['LA_Code', "coalesce(person_id, 'LA:' || Der_LA_Person_Unique_Identifier_Pseudo)",
                   'Event_Start_Date', 'Client_Type', 'Event_Type', 'Service_Type',
                   'Service_Component', 'Delivery_Mechanism']) -%}
{%- else -%}
    {%- do return(['local_authority_code', 'client_id', 'event_start_date', 'client_type',
                   'event_type', 'service_type', 'service_component', 'delivery_mechanism']) -%}
{%- endif -%}
{%- endmacro %}


{% macro delete_redelivered_social_care_events() -%}
{#- stg_social_care__events' pre-hook (macro delete_redelivered_keys). -#}
{{ delete_redelivered_keys(source('social_care', 'asc_cld_events'), social_care_event_key('raw'),
                           social_care_event_key('staged')) }}
{%- endmacro %}

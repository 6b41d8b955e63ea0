{#- The one rule for an event whose record has no LSOA (docs/methods.md#breakdowns): it takes the
    GP-registered address that held on the event date (int_gp_addresses). Used by hospital
    admissions and deaths alike; `record_lsoa` is the record's own LSOA, so the join only looks
    for an address when the record has none. -#}
{%- macro left_join_gp_address(events, event_date, record_lsoa, alias) -%}
left join {{ ref('int_gp_addresses') }} as {{ alias }}
    on {{ record_lsoa }} is null
    and {{ events }}.person_id = {{ alias }}.person_id
    and {{ event_date }} >= {{ alias }}.address_from
    and ({{ alias }}.address_to is null or {{ event_date }} < {{ alias }}.address_to)
{%- endmacro -%}

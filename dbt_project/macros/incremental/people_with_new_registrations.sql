{% macro people_with_new_registrations() -%}
{#- The people an incremental model built person by person from the GP registrations (int_persons,
    int_person_registrations, int_gp_addresses) builds again: whoever has a registration of a
    delivery newer than the newest the model has taken in (its column registrations_delivery_seq; or
    of no delivery: a raw row not landed by the pipeline). A query of person_id. The newest delivery
    is read when the model runs, before any pre-hook of it deletes anything, so the hook and the
    model's SQL name the same people. A registration's key holds its person, so a person's
    registrations are replaced, never taken away or moved to someone else. -#}
select person_id from {{ ref('stg_gp__registrations') }}
where delivery_seq > {{ newest_taken_in('registrations_delivery_seq') }} or delivery_seq is null
{%- endmacro %}


{% macro delete_gp_addresses_to_build_again() -%}
{#- int_gp_addresses' pre-hook on an incremental run: every address of the people it builds again,
    as one whose new registration has no LSOA may be left with fewer addresses, or none. -#}
{%- if is_incremental() -%}
delete from {{ this }} where person_id in ({{ people_with_new_registrations() }})
{%- endif -%}
{%- endmacro %}


{% macro people_to_build_again() -%}
{#- The people whose rows a refresh builds again in a model built person by person from the GP
    registrations and the deaths (int_persons, int_person_registrations), and so whose rows can
    change: a query of person_id. Each model reads its own table (`this`: its columns
    registrations_delivery_seq and date_of_death), so each finds the same people, or more where it
    was left behind by a partial build; int_person_registrations takes both columns from
    int_persons, so it is never ahead of it. -#}
-- whoever has a registration of a delivery this table has not taken in
{{ people_with_new_registrations() }}
union
-- and whoever has a registered death (a new death, or a corrected date, which is a new record
-- as the date is part of its key, changes the date of death: some 60,000 people at 1.2M,
-- against 1.2M to build again), with whoever had a date of death when the table was last
-- built, so that no date stays behind whatever the deaths extract holds
select person_id from {{ ref('stg_civil_registration__deaths') }} where person_id is not null
union
select person_id from {{ this }} where date_of_death is not null
{%- endmacro %}

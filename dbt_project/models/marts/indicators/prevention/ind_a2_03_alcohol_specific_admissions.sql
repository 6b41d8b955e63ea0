-- A2-03: admission episodes for alcohol-specific conditions: the first episode of a spell, any
-- admission method but a transfer (macro new_admission: the same admission), ordinary, day case or mother and baby, with a wholly attributable alcohol code
-- in any diagnosis position (primary or any of the 19 secondary), all ages, directly standardised.
{% call indicator_rows() %}
    with admissions as (
        select * from {{ ref('int_apc_admissions') }}
        where patient_classification in ('1', '2', '5')
            and {{ new_admission('admission_method') }}
    )
    {{ event_rows('admissions', 'admission_date',
                  where=apc_diagnosis_in_group('events.episode_id', 'alcohol_specific')) }}
    union all
    {{ population_rows() }}
{% endcall %}

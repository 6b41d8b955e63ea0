{#- The rows of int_gp_status_at_year_end (the model says what they are) for the years of `batches`
    (lists of years, macro period_batches), a UNION ALL branch per batch, each reading only its
    years' events. On DuckDB each batch is a statement of its own, so that its joins hold one
    batch's person-years at a time (docs/scaling.md R13, change 23); which batches the model's
    SELECT holds and which its post-hook inserts: macro period_batch_statements. -#}
{% macro gp_status_at_year_end_rows(batches) -%}
{#- A bit for each cluster that evidences an activity flag or an SMI check, and one for a flu
    vaccination in the season: a flag is set when the year's mask has any of its clusters' bits. #}
{%- set evidence_bit = {} %}
{%- for clusters in var('last_year_activity').values() %}
{%- for cluster in clusters if cluster not in evidence_bit %}
{%- do evidence_bit.update({cluster: 2 ** (evidence_bit | length)}) %}
{%- endfor %}
{%- endfor %}
{%- for items in var('smi_health_check_components').values() %}
{%- for item in items %}
{%- for cluster in ([item] if item is string else item) if cluster not in evidence_bit %}
{%- do evidence_bit.update({cluster: 2 ** (evidence_bit | length)}) %}
{%- endfor %}
{%- endfor %}
{%- endfor %}
{%- set flu_in_season_bit = 2 ** (evidence_bit | length) %}
{%- if evidence_bit | length > 61 %}
{{ exceptions.raise_compiler_error("int_gp_status_at_year_end: more evidence clusters than a bigint's bits") }}
{%- endif %}

{#- A column per long-term condition register: on_<register>_register #}
{%- set register_column = {} %}
{%- for cluster in var('long_term_condition_registers') %}
{%- do register_column.update({cluster: 'on_' ~ (cluster | lower | replace('_cod', '')) ~ '_register'}) %}
{%- endfor %}

{%- for batch in batches %}
{%- set span = period_batch_span(batch) %}
{#- The events of the twelve months to each year end (everything but smoking status looks back
    this far), by person and year. The twelve months to 31 March are the financial year, so an
    event finds its year by an equi-join on the year's end. Written out in each query that reads
    it rather than as one CTE: DuckDB materialises a CTE read three times (14M rows at 1.2M
    people), and inlined each query reads only its own clusters (docs/scaling.md). Events are
    grouped by person and year before they meet the population (a person not registered at the
    year end then matches no one): joining each registered person-year to their events by date
    range first was the largest result of the build. The dates the batch's years span bound the
    events read (macro period_batch_span), here and in `smoking`: implied by the joins, as a
    financial year runs 1 April to 31 March (what the equi-join assumes) and a later year end's
    five-year look-back starts later too, so they drop no event the joins keep. #}
{%- set recent -%}
    select
        year_ends.period, year_ends.period_start,
        events.person_id, events.cluster_id, events.snomed_code, events.event_date,
        events.value_numeric
    from {{ ref('int_gp_events_clustered') }} as events
    inner join year_ends
        on year_ends.period_end = make_date(
            year(events.event_date) + case when month(events.event_date) >= 4 then 1 else 0 end, 3, 31)
    {%- if span %}
    where events.event_date >= {{ span.first_start }} and events.event_date <= {{ span.last_end }}
    {%- endif %}
{%- endset %}
{%- if not loop.first %}

union all

{% endif %}
select * from (

with population as (
    select period, person_id
    from {{ ref('int_registered_population') }}
    where snapshot = 'year_end' and {{ in_period_batch('period', batch) }}
),

year_ends as (
    select
        period, period_start, period_end,
        cast({{ dbt.dateadd('year', -5, 'period_end') }} as date) as five_years_before
    from {{ ref('int_periods') }}
    where period_type = 'financial_year' and {{ in_period_batch('period', batch) }}
),

smoking as (
    -- latest status in five years; on the same day current beats ex beats never (GP systems can
    -- hold several statuses coded on one day)
    select
        year_ends.period, events.person_id,
        {{ value_at_greatest(
            "case cluster_id when 'LSMOK_COD' then 'current' when 'EXSMOK_COD' then 'ex' else 'never' end",
            ['event_date',
             "case cluster_id when 'LSMOK_COD' then 3 when 'EXSMOK_COD' then 2 else 1 end"]) }}
            as smoking_status
    from {{ ref('int_gp_events_clustered') }} as events
    inner join year_ends
        on events.event_date <= year_ends.period_end
        and events.event_date > year_ends.five_years_before
    where events.cluster_id in ('LSMOK_COD', 'EXSMOK_COD', 'NSMOK_COD')
    {%- if span %}
        and events.event_date > cast({{ dbt.dateadd('year', -5, span.first_end) }} as date)
        and events.event_date <= {{ span.last_end }}
    {%- endif %}
    group by year_ends.period, events.person_id
),

bmi as (
    -- latest plausible BMI (10-90) in twelve months; on a day with two, the higher
    select
        period, person_id,
        {{ value_at_greatest('value_numeric', ['event_date', 'value_numeric']) }} as latest_bmi
    from ({{ recent }}) as recent
    where cluster_id = 'BMIVAL_COD' and value_numeric between 10 and 90
    group by period, person_id
),

blood_pressure as (
    -- plausible (40-300) readings in twelve months on the latest day with one; that day's lowest
    -- systolic and lowest diastolic (QOF and CVDPREVENT: a reading repeated in the consultation
    -- replaces the first). Each day's lowest first, then the latest day's, as aggregates: a window
    -- over every reading sorted them all (12 s of the model's 46 at 3.6M people). A day with only
    -- one of the two has NULL for the other, which the latest day then keeps (value_at_greatest)
    select
        period, person_id,
        {{ value_at_greatest('systolic', ['event_date']) }} as latest_systolic_bp,
        {{ value_at_greatest('diastolic', ['event_date']) }} as latest_diastolic_bp
    from (
        select
            period, person_id, event_date,
            min(case when snomed_code = {{ var('systolic_bp_code') }} then value_numeric end) as systolic,
            min(case when snomed_code = {{ var('diastolic_bp_code') }} then value_numeric end) as diastolic
        from ({{ recent }}) as recent
        where snomed_code in ({{ var('systolic_bp_code') }}, {{ var('diastolic_bp_code') }})
            and value_numeric between 40 and 300
        group by period, person_id, event_date
    ) as reading_days
    group by period, person_id
),

last_year as (
    -- which evidence the year holds, as one bit mask per person and year (bit_or of each event's
    -- bit, below): one small aggregate, where a column per flag made the largest hash table of the
    -- model (at 3.6M people it outgrew the memory limit and spilled, docs/scaling.md)
    select
        period, person_id,
        bit_or(
            case cluster_id
                {%- for cluster, bit in evidence_bit.items() %}
                when '{{ cluster }}' then {{ bit }}
                {%- endfor %}
                else 0
            end
            + case when cluster_id in ('{{ var("flu_vaccination_clusters") | join("', '") }}')
                        and event_date >= {{ dbt.dateadd('month', 5, 'period_start') }}
                        and event_date < {{ dbt.dateadd('month', 11, 'period_start') }}
                   then {{ flu_in_season_bit }} else 0 end
        ) as evidence
    from ({{ recent }}) as recent
    where cluster_id in ('{{ (evidence_bit.keys() | list + var("flu_vaccination_clusters")) | join("', '") }}')
    group by period, person_id
),

on_registers as (
    -- the spells open at the year end (the snapshot date), by person and year; like the events,
    -- they meet the population only in `status`
    select
        year_ends.period, spells.person_id,
        {%- for cluster, column in register_column.items() %}
        max(case when spells.register = '{{ cluster }}' then 1 else 0 end) as {{ column }},
        {%- endfor %}
        count(spells.register) as long_term_conditions
    from {{ ref('int_register_spells') }} as spells
    inner join year_ends
        on spells.entered_on <= year_ends.period_end
        and (spells.left_on is null or spells.left_on > year_ends.period_end)
    where spells.register in ('{{ var("long_term_condition_registers") | join("', '") }}')
    group by year_ends.period, spells.person_id
),

status as (
    -- the parts above side by side, for the people registered at the year end. Keys only: with
    -- who the people are (below) carried through these five joins, they spilled at 3.6M people
    -- (docs/scaling.md)
    select
        population.period, population.person_id,
        smoking.smoking_status,
        bmi.latest_bmi,
        blood_pressure.latest_systolic_bp,
        blood_pressure.latest_diastolic_bp,
        last_year.evidence,
        {%- for column in register_column.values() %}
        on_registers.{{ column }},
        {%- endfor %}
        on_registers.long_term_conditions
    from population
    left join smoking
        on population.period = smoking.period and population.person_id = smoking.person_id
    left join bmi
        on population.period = bmi.period and population.person_id = bmi.person_id
    left join blood_pressure
        on population.period = blood_pressure.period and population.person_id = blood_pressure.person_id
    left join last_year
        on population.period = last_year.period and population.person_id = last_year.person_id
    left join on_registers
        on population.period = on_registers.period and population.person_id = on_registers.person_id
)

select
    {#- who the person is that day, so that the year-end indicators read this one table: each
        joining int_registered_population to it again met two 22M-row tables at 3.6M people,
        which spilled (docs/scaling.md). The areas are looked up here, for the rows of the periods
        being built, rather than written into int_registered_population too (docs/scaling.md) #}
    people.period,
    people.period_start,
    people.period_end,
    people.on_date,
    people.person_id,
    areas.lad19cd,
    areas.lad19nm,
    areas.place_code,
    areas.place_name,
    areas.imd_quintile,
    people.sex,
    people.age,
    {{ age_band('people.age') }} as age_band,
    people.ethnicity_group,
    status.smoking_status,
    status.latest_bmi,
    status.latest_systolic_bp,
    status.latest_diastolic_bp,
    {#- a flag is 1 when the year's evidence has any of its clusters' bits; an SMI check is done
        when it has every item of its evidence (an item: a cluster or a list of alternatives) #}
    {%- for name, clusters in var('last_year_activity').items() %}
    {%- set bits = [] %}
    {%- for cluster in clusters %}{% do bits.append(evidence_bit[cluster]) %}{% endfor %}
    case when (coalesce(status.evidence, 0) & {{ bits | unique | sum }}) <> 0 then 1 else 0 end
        as {{ name }},
    {%- endfor %}
    {%- for component, items in var('smi_health_check_components').items() %}
    case when
        {%- for item in items %}
        {%- set bits = [] %}
        {%- for cluster in ([item] if item is string else item) %}{% do bits.append(evidence_bit[cluster]) %}{% endfor %}
        (coalesce(status.evidence, 0) & {{ bits | unique | sum }}) <> 0{{ ' and' if not loop.last }}
        {%- endfor %}
    then 1 else 0 end{{ ' +' if not loop.last }}
    {%- endfor %}
        as smi_health_check_components_done,
    case when (coalesce(status.evidence, 0) & {{ flu_in_season_bit }}) <> 0 then 1 else 0 end
        as flu_vaccinated_in_season,
    {%- for column in register_column.values() %}
    coalesce(status.{{ column }}, 0) as {{ column }},
    {%- endfor %}
    coalesce(status.long_term_conditions, 0) as long_term_conditions
from {{ ref('int_registered_population') }} as people
inner join status
    on people.period = status.period and people.person_id = status.person_id
left join {{ ref('int_lsoas_with_areas') }} as areas
    on people.lsoa11cd = areas.lsoa11cd
where people.snapshot = 'year_end' and {{ in_period_batch('people.period', batch) }}

) as batch_{{ loop.index }}
{%- endfor %}
{%- endmacro %}


{#- The model's post-hook: the statements after the model's own (macro period_batch_statements),
    each deleting its years' rows and inserting them again. It runs in the model's transaction,
    so a failure leaves the table as it was. -#}
{% macro gp_status_at_year_end_later_statements() -%}
{%- for batches in period_batch_statements(gp_status_at_year_end_batches())[1:] %}
delete from {{ this }} where {{ in_period_list('period', batches | sum(start=[])) }};
insert into {{ this }} by name
{{ gp_status_at_year_end_rows(batches) }};
{%- endfor %}
{%- endmacro %}


{#- The years to build, in batches of at most var('period_batch_rows') registered people (a year
    holding more is a batch of its own; macro period_batches). A batch per year at 1.2M people
    and more (docs/scaling.md R18). -#}
{% macro gp_status_at_year_end_batches() -%}
{{ return(period_batches(ref('int_registered_population'), var('period_batch_rows'))) }}
{%- endmacro %}

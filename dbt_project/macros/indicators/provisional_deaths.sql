{#- Whether a period of an indicator built on the deaths extract is still provisional
    (docs/methods.md#provisional-periods), as SQL: true while the extract, covering deaths up to
    `covered_to`, may still lack deaths of the period ending `period_end`:
    - deaths counted by date of death (`deaths_by` none): until the extract covers
      var('death_registration_allowance_days') after the period's end (deaths are registered days
      to months after they happen);
    - deaths counted by registration date (`deaths_by: registration_date`): until the extract is
      taken after the period's last day.
    No extract at all: provisional. One home for the rule: fct_indicator_periods flags the
    provisional periods with it, and an indicator model builds them again on every refresh with
    it (macro in_periods_to_build), so a figure is never kept while its deaths are incomplete. -#}
{% macro deaths_still_provisional(period_end, covered_to, deaths_by=none) -%}
    {%- if deaths_by == 'registration_date' -%}
coalesce({{ covered_to }} <= {{ period_end }}, true)
    {%- elif deaths_by is none -%}
coalesce({{ covered_to }} < {{ dbt.dateadd('day', var('death_registration_allowance_days'), period_end) }}, true)
    {%- else -%}
        {{ exceptions.raise_compiler_error("deaths_by: " ~ deaths_by ~ " (registration_date, or none for the date of death)") }}
    {%- endif -%}
{%- endmacro %}


{% macro deaths_extract_covered_to() -%}
{#- A one-row subquery: the latest extract date of the deaths extract (NULL when it is empty). -#}
(select max(extract_date) as covered_to from {{ ref('stg_civil_registration__deaths') }})
{%- endmacro %}

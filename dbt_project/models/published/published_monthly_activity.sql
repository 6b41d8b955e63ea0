{{ config(alias='monthly_activity') }}
-- Monthly activity counts after disclosure control (INDICATORS §0.3): counts of 1-7 suppressed
-- with secondary suppression across the areas of a type, the rest rounded to the nearest 5.
{{ disclosure_controlled(ref('fct_monthly_activity')) }}

{{ config(alias='monthly_activity') }}
-- Monthly activity counts after the same disclosure control as indicator values, decided together
-- with them (a series' months add up to its indicator's annual count): docs/disclosure.md.
{{ disclosure_controlled(ref('fct_monthly_activity'), 'monthly_activity') }}

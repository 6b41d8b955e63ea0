{{ config(alias='monthly_activity') }}
-- Monthly activity counts after the same disclosure control as indicator values, decided together
-- with them (a series' months add up to its indicator's annual count): docs/disclosure.md. Each
-- month says whether its look-back is incomplete (fct_monthly_activity).
{{ disclosure_controlled(ref('fct_monthly_activity'), 'monthly_activity',
                         carry=['is_lookback_incomplete']) }}

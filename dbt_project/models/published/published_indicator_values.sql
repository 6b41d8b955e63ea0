{{ config(alias='indicator_values') }}
-- Indicator values after disclosure control (docs/disclosure.md): the only table reports read.
{{ disclosure_controlled(ref('fct_indicator_values'), 'indicator_values') }}

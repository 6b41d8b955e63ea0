{{ config(alias='indicator_values') }}
-- Indicator values after disclosure control (INDICATORS §0.3): the only table reports read.
{{ disclosure_controlled(ref('fct_indicator_values')) }}

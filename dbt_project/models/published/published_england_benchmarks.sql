{{ config(alias='england_benchmarks') }}
-- England's published values per indicator and period (seed ref_england_benchmarks), published so
-- that the board pack's comparison with England reads the published schema only. Public national
-- aggregates from OHID, NHS England and UKHSA publications: no local counts, nothing to control.
select indicator_id, period, value, lower_ci, upper_ci, source, verified, note
from {{ ref('ref_england_benchmarks') }}

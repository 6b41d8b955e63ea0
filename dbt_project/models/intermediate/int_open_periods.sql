-- The reporting periods a monthly refresh builds again in the per-period models (macro
-- open_periods: the revision policy, docs/running.md); older periods keep the figures they were
-- built with until a full refresh. For analysts, the refresh benchmark and its test: the
-- per-period models read the same macro.
{{ open_periods(ref('int_periods')) }}

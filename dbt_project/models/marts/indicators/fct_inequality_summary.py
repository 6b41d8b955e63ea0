"""Inequality summary per indicator, period and area: SII and RII (most deprived compared with
least deprived) with confidence limits by simulation, Q1 and Q5 values, their gap and ratio, and
the Core20 share; the SII withheld, with its reason, where it would be unstable or undefined.

A Python model because the limits are simulated (pipelines/statistics/inequality.py, tested against
PHEindicatormethods). dbt contracts do not cover Python models; the YAML tests check the output.

A group whose cells and method are those of the last build (column input_digest) keeps the row
that build computed: a monthly refresh changes the cells of its open periods only, and simulating
every group again was most of this model's time (docs/scaling.md). A full refresh computes all.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    from pipelines.statistics.inequality import inequality_summary
    from pipelines.warehouse.python_models import from_pandas, previous_build, to_pandas

    values = to_pandas(dbt.ref("fct_indicator_values"))
    summary = inequality_summary(values, repetitions=dbt.config.get("repetitions") or 10_000,
                                 min_quintile_share=float(dbt.config.get("min_quintile_share")),
                                 previous=previous_build(dbt, session))
    return from_pandas(session, summary)

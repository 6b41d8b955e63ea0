"""Which counts of the published tables are withheld: one row per row of fct_indicator_values and
fct_monthly_activity, with the status of its numerator and denominator (NULL = published,
'primary', 'secondary'). The rules are in pipelines/disclosure (one module), the thresholds in
dbt_project.yml (vars: disclosure); models/published apply the decisions and round the rest.

A Python model because secondary suppression iterates to a fixed point over every additive
relation of the published tables (docs/disclosure.md)."""

import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    from pipelines.disclosure import control, load_policy
    from pipelines.warehouse.python_models import from_pandas, to_pandas

    # (each ref on a line of its own: dbt finds a Python model's refs only in plain calls)
    values = to_pandas(dbt.ref("fct_indicator_values"))
    monthly = to_pandas(dbt.ref("fct_monthly_activity"))
    places = to_pandas(dbt.ref("ref_ics_places"))
    metadata = to_pandas(dbt.ref("disclosure_metadata"))
    shares = metadata.dropna(subset=["partition_of"])
    sums = metadata.dropna(subset=["sums_to_indicator"])
    columns = ["indicator_id", "period", "area_type", "area_code", "breakdown", "breakdown_value",
               "numerator", "denominator", "value_type"]
    cells = pd.concat([values[columns].assign(table_name="indicator_values", financial_year=None),
                       monthly[columns + ["financial_year"]].assign(table_name="monthly_activity")],
                      ignore_index=True)
    decisions = control(
        cells,
        load_policy(),
        place_of=dict(zip(places["lad19cd"], places["place_code"], strict=True)),
        partition_of=dict(zip(shares["id"], shares["partition_of"], strict=True)),
        sums_to={row.id: (row.sums_to_indicator, row.sums_to_count) for row in sums.itertuples()},
    )
    return from_pandas(session, decisions)

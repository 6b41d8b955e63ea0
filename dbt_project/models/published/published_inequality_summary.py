"""Inequality summaries of the published figures (docs/disclosure.md): computed from
published.indicator_values, never from the exact counts, so that an SII or a Core20 share says
nothing the published cells do not. Withheld (suppression = 'quintile_suppressed') where any
IMD-quintile cell or the total of that indicator, period and area has a withheld count."""

import pandas as pd

KEY = ["indicator_id", "period", "area_type", "area_code"]


def model(dbt, session):
    dbt.config(materialized="table", alias="inequality_summary")
    from pipelines.statistics.inequality import MEASURE_COLUMNS, inequality_summary
    from pipelines.warehouse.python_models import from_pandas, to_pandas

    values = to_pandas(dbt.ref("published_indicator_values"))
    cells = values[values["breakdown"].isin(["all", "imd_quintile"])]
    withheld = cells[cells["suppression"].notna()][KEY].drop_duplicates()
    complete = cells.merge(withheld, on=KEY, how="left", indicator=True)
    complete = complete[complete["_merge"].eq("left_only")].drop(columns="_merge")
    summary = inequality_summary(complete, repetitions=dbt.config.get("repetitions") or 10_000,
                                 min_quintile_share=float(dbt.config.get("min_quintile_share")))
    # every indicator, period and area with a quintile breakdown has a row, withheld or not
    quintiles = cells[cells["breakdown"].eq("imd_quintile")][KEY + ["value_type"]].drop_duplicates(KEY)
    hidden = quintiles.merge(withheld, on=KEY).assign(suppression="quintile_suppressed")
    out = pd.concat([summary.assign(suppression=None), hidden], ignore_index=True)
    for column in MEASURE_COLUMNS:
        out[column] = out[column].astype("float64")
    out["suppression"] = out["suppression"].astype("string")
    out["sii_withheld"] = out["sii_withheld"].astype("string")
    out = out[KEY + MEASURE_COLUMNS + ["sii_withheld", "value_type", "suppression"]].sort_values(
        KEY, ignore_index=True)
    return from_pandas(session, out)

# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Explore an indicator by deprivation quintile and place
#
# Reads only the warehouse's `published` schema (figures after disclosure control), so what you
# find here can be shared like the board pack. Change `INDICATOR` and run all cells.
#
# The warehouse is `PH_DUCKDB_PATH` (default: the demo warehouse `make run` writes).

# %%
import os
from pathlib import Path

import duckdb
import plotly.express as px

INDICATOR = "A2-01"  # smoking prevalence in adults; any id from the methods page's catalogue
WAREHOUSE = Path(os.environ.get("PH_DUCKDB_PATH", "../data/warehouse.duckdb"))
con = duckdb.connect(str(WAREHOUSE), read_only=True)

# %% [markdown]
# ## The ICS over time

# %%
values = con.execute(
    "select * from published.indicator_values where indicator_id = ?", [INDICATOR]).df()
assert len(values), f"{INDICATOR} is not in the published schema"
ics = values.query("area_type == 'ics' and breakdown == 'all'").sort_values("period")
ics[["period", "numerator", "denominator", "value", "lower_ci95", "upper_ci95", "suppression"]]

# %% [markdown]
# ## By IMD 2019 quintile (1 = most deprived fifth nationally, the Core20)

# %%
quintiles = values.query("area_type == 'ics' and breakdown == 'imd_quintile'")
table = quintiles.pivot_table(index="breakdown_value", columns="period", values="value")
table.round(1)

# %%
latest = ics["period"].max()
px.bar(quintiles.query("period == @latest"), x="breakdown_value", y="value",
       error_y=quintiles.query("period == @latest")["upper_ci95"]
       - quintiles.query("period == @latest")["value"],
       title=f"{INDICATOR} by deprivation quintile, {latest}",
       labels={"breakdown_value": "IMD 2019 quintile", "value": "Value"})

# %% [markdown]
# ## Inequality summary: slope and relative index of inequality, Q1 vs Q5, Core20 share

# %%
inequality = con.execute(
    "select period, sii, sii_lower_ci95, sii_upper_ci95, rii, gap_q1_q5, ratio_q1_q5, "
    "core20_share, suppression from published.inequality_summary "
    "where indicator_id = ? and area_type = 'ics' order by period", [INDICATOR]).df()
inequality

# %% [markdown]
# ## Places and local authorities against the ICS (99.8% limits, as on a funnel plot)

# %%
areas = values.query("breakdown == 'all' and period == @latest and area_type != 'ics'").copy()
ics_value = ics.query("period == @latest")["value"].iloc[0]
areas["compared_with_ics"] = "similar"
areas.loc[areas["lower_ci998"] > ics_value, "compared_with_ics"] = "higher"
areas.loc[areas["upper_ci998"] < ics_value, "compared_with_ics"] = "lower"
areas[["area_type", "area_name", "value", "lower_ci998", "upper_ci998", "compared_with_ics"]]

# %%
con.close()

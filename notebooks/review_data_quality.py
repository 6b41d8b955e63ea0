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
# # Review data quality
#
# What arrived, what was quarantined and why, which rows were flagged by which rule, and the
# monthly quality measures per source. Reads the ledger and run history through their readers
# (`pipelines.ops`) and the published data-quality summary; counts of rows only, never row-level
# values.

# %%
import os
from dataclasses import asdict
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.ops import ledger, runs
from pipelines.ops.ledger import BatchStatus

WAREHOUSE = Path(os.environ.get("PH_DUCKDB_PATH", "../data/warehouse.duckdb"))
con = duckdb.connect(str(WAREHOUSE), read_only=True)
deliveries = pd.DataFrame([asdict(row) for row in ledger.rows(con)])

# %% [markdown]
# ## Deliveries by source and status

# %%
batches = deliveries.groupby(["source", "status"]).agg(
    files=("batch_id", "size"), rows_loaded=("rows_loaded", "sum"),
    rows_flagged=("rows_flagged", "sum")).reset_index()
assert len(batches)
batches

# %% [markdown]
# ## Quarantined files and the rule they broke

# %%
deliveries.loc[deliveries["status"] == BatchStatus.QUARANTINED,
               ["source", "file_name", "received_at", "message"]]

# %% [markdown]
# ## Rows flagged at landing, by source and rule (they load, with their flags)

# %%
flagged = []
for source in sorted(ledger.loaded_by_source(con)):
    flagged.append(con.execute(
        f"select '{source}' as source, flag as rule, count(*) as rows from "
        f"(select unnest(string_split(_dq_flags, ';')) as flag from raw.\"{source}\" "
        "where _dq_flags is not null) group by all").df())
pd.concat(flagged).sort_values("rows", ascending=False) if flagged else "no flags"

# %% [markdown]
# ## Monthly measures: the months and sources below 95% completeness or validity

# %%
quality = con.execute("select * from published.data_quality order by source, month").df()
quality[(quality["completeness"] < 0.95) | (quality["validity"] < 0.95)].groupby("source").agg(
    months=("month", "size"), worst_completeness=("completeness", "min"),
    worst_validity=("validity", "min"))

# %% [markdown]
# ## Runs: what each refresh loaded, built and published

# %%
recent = runs.runs(con, latest=10)
pd.DataFrame([asdict(run) for run in recent])[
    ["run_id", "started_at", "status", "files_loaded", "files_quarantined", "rows_loaded",
     "pack_files"]] if recent else "no runs recorded yet"

# %%
con.close()

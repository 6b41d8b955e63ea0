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
# monthly quality measures per source. Reads the ledger (`ops`) and the published data-quality
# summary; counts of rows only, never row-level values.

# %%
import os
from pathlib import Path

import duckdb
import pandas as pd

WAREHOUSE = Path(os.environ.get("PH_DUCKDB_PATH", "../data/warehouse.duckdb"))
con = duckdb.connect(str(WAREHOUSE), read_only=True)

# %% [markdown]
# ## Deliveries by source and status

# %%
batches = con.execute(
    "select source, status, count(*) as files, sum(rows_loaded) as rows_loaded, "
    "sum(rows_flagged) as rows_flagged from ops.ingest_batches group by all order by all").df()
assert len(batches)
batches

# %% [markdown]
# ## Quarantined files and the rule they broke

# %%
con.execute("select source, file_name, received_at, message from ops.ingest_batches "
            "where status = 'quarantined' order by received_at").df()

# %% [markdown]
# ## Rows flagged at landing, by source and rule (they load, with their flags)

# %%
flagged = []
for (source,) in con.execute("select distinct source from ops.ingest_batches "
                             "where status = 'loaded'").fetchall():
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
con.execute("select run_id, started_at, status, files_loaded, files_quarantined, rows_loaded, "
            "pack_files from ops.runs order by started_at desc limit 10").df() \
    if con.execute("select count(*) from information_schema.tables where table_schema = 'ops' "
                   "and table_name = 'runs'").fetchone()[0] else "no runs recorded yet"

# %%
con.close()

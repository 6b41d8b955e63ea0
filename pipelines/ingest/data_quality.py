"""The data-quality summary ``ops.data_quality``: per source and month of activity, after each ingest.
Shares are rounded to 6 decimals so that a rebuild over the same rows gives the same table.

Measures (all over the raw layer, every delivered version):
- completeness: share of the contract's key fields that are filled, averaged over them;
- validity: share of rows that broke no flag rule at landing;
- duplicate_rows: rows whose primary key appears more than once across deliveries (re-submissions);
- timeliness: share of rows delivered in the file for their own month (or the next);
- activity_after_death: rows dated after the person's registered death.
"""

from __future__ import annotations

import duckdb

from pipelines.contracts.model import Contract
from pipelines.warehouse.connection import table_exists

DDL = """
create schema if not exists ops;
create or replace table ops.data_quality (
    source varchar, month date, rows bigint, completeness double, validity double,
    duplicate_rows bigint, timeliness double, activity_after_death bigint
)
"""


def _source_sql(contract: Contract, has_deaths: bool) -> str:
    table = f'raw."{contract.id}"'
    month = f"date_trunc('month', cast(\"{contract.event_date}\" as date))"
    filled = " + ".join(f'("{f}" is not null)::int' for f in contract.key_fields) or "1"
    key = next((r.params["columns"] for r in contract.rules if r.kind == "unique_key"), None)
    quoted = ", ".join(f'r."{c}"' for c in key or [])
    duplicated = f"count(*) over (partition by {quoted}) > 1" if key else "false"
    person = next((c for c in ("person_id", "baby_person_id") if c in contract.column_names), None)
    after_death = (f"""(r."{contract.event_date}" is not null and d.died is not null
                       and cast(r."{contract.event_date}" as date) > d.died)"""
                   if person and has_deaths and contract.id != "civil_registration_deaths"
                   else "false")
    join = (f'left join deaths d on r."{person}" = d.person_id' if "d.died" in after_death
            else "left join (select null::date as died) d on false")
    return f"""
        select '{contract.id}' as source, {month} as month, count(*) as rows,
               round(avg(({filled}) / {max(len(contract.key_fields), 1)}.0), 6) as completeness,
               round(avg((_dq_flags is null)::int), 6) as validity,
               sum(is_duplicate::int) as duplicate_rows,
               round(avg((extract_date <= {month} + interval 2 month)::int), 6) as timeliness,
               sum(after_death::int) as activity_after_death
        from (select r.*, {duplicated} as is_duplicate, {after_death} as after_death
              from {table} r {join}) as r
        where "{contract.event_date}" is not null
        group by all"""


def refresh_data_quality(con: duckdb.DuckDBPyConnection, contracts: list[Contract]) -> int:
    """Rebuild ops.data_quality from the raw layer; returns its row count."""
    con.execute(DDL)
    has_deaths = table_exists(con, "raw", "civil_registration_deaths")
    if has_deaths:
        con.execute("create or replace temp view deaths as select person_id, "
                    "min(REG_DATE_OF_DEATH) as died from raw.civil_registration_deaths "
                    "where person_id is not null group by 1")
    for contract in contracts:
        if contract.event_date and table_exists(con, "raw", contract.id):
            con.execute(f"insert into ops.data_quality {_source_sql(contract, has_deaths)}")
    return con.execute("select count(*) from ops.data_quality").fetchone()[0]

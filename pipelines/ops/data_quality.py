"""The data-quality summary ``ops.data_quality``: per source and month of activity, after each ingest.
Shares are rounded to 6 decimals so that a rebuild over the same rows gives the same table.

Measures (all over the raw layer, every delivered version):
- completeness: share of the contract's key fields that are filled, averaged over them;
- validity: share of rows that broke no flag rule at landing;
- duplicate_rows: rows whose primary key appears more than once across deliveries (re-submissions);
- timeliness: share of rows delivered in the file for their own month (or the next);
- activity_after_death: rows dated after the person's registered death.

What each source contributes comes from its contract's ``quality`` block (event date, key fields,
person column, and on a death register the date of death): nothing here names a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class SourceMonth:
    source: str
    month: date
    rows: int
    completeness: float
    validity: float
    duplicate_rows: int
    timeliness: float
    activity_after_death: int


def _deaths_sql(registers: list[Contract]) -> str:
    """Each person's earliest registered death, over every death register that has landed."""
    union = " union all ".join(
        f'select "{c.quality.person}" as person, "{c.quality.date_of_death}" as died '
        f'from raw."{c.id}"' for c in registers)
    return f"select person, min(died) as died from ({union}) where person is not null group by 1"


def _source_sql(contract: Contract, has_deaths: bool) -> str:
    quality = contract.quality
    table, event_date, person = f'raw."{contract.id}"', quality.event_date, quality.person
    month = f"date_trunc('month', cast(\"{event_date}\" as date))"
    filled = " + ".join(f'("{f}" is not null)::int' for f in quality.key_fields) or "1"
    key = next((r.params["columns"] for r in contract.rules if r.kind == "unique_key"), None)
    quoted = ", ".join(f'r."{c}"' for c in key or [])
    duplicated = f"count(*) over (partition by {quoted}) > 1" if key else "false"
    # a death register's own rows are the deaths, not activity after one
    measured = person and has_deaths and not quality.date_of_death
    after_death = (f"""(r."{event_date}" is not null and d.died is not null
                       and cast(r."{event_date}" as date) > d.died)""" if measured else "false")
    join = (f'left join deaths d on r."{person}" = d.person' if measured
            else "left join (select null::date as died) d on false")
    return f"""
        select '{contract.id}' as source, {month} as month, count(*) as rows,
               round(avg(({filled}) / {max(len(quality.key_fields), 1)}.0), 6) as completeness,
               round(avg((_dq_flags is null)::int), 6) as validity,
               sum(is_duplicate::int) as duplicate_rows,
               round(avg((extract_date <= {month} + interval 2 month)::int), 6) as timeliness,
               sum(after_death::int) as activity_after_death
        from (select r.*, {duplicated} as is_duplicate, {after_death} as after_death
              from {table} r {join}) as r
        where "{event_date}" is not null
        group by all"""


def refresh_data_quality(con: duckdb.DuckDBPyConnection, contracts: list[Contract]) -> int:
    """Rebuild ops.data_quality from the raw layer; returns its row count."""
    con.execute(DDL)
    landed = [c for c in contracts if c.quality and table_exists(con, "raw", c.id)]
    registers = [c for c in landed if c.quality.date_of_death]
    if registers:
        con.execute(f"create or replace temp view deaths as {_deaths_sql(registers)}")
    for contract in landed:
        con.execute(f"insert into ops.data_quality {_source_sql(contract, bool(registers))}")
    return con.execute("select count(*) from ops.data_quality").fetchone()[0]


def source_months(con: duckdb.DuckDBPyConnection) -> list[SourceMonth]:
    """The summary, by source and month."""
    return [SourceMonth(*row) for row in con.execute(
        "select source, month, rows, completeness, validity, duplicate_rows, timeliness, "
        "activity_after_death from ops.data_quality order by source, month").fetchall()]

"""The delivered demo files as an analyst would first tidy them, in DuckDB, for the calibration
check (check.py): latest copy of re-submitted records, one registration per person, the financial
years the files cover in full, and the people registered in each.

Only the files and the generator's own knowledge of the world are read (its LSOA table and code
table, and the European Standard Population in world/esp2013.csv): never the dbt seeds or vars.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.synthetic.generate import SOURCES
from pipelines.synthetic.geography import ics_lsoas

ESP2013_FILE = Path(__file__).with_name("world") / "esp2013.csv"
ALL_YEARS = "all years"  # the period of every year in the files, for measures pooled over them


def _files(out: Path, source: str, union_by_name: bool = False) -> str:
    """A source's monthly files. Every file of a source has the same header, so by default the
    columns are read as the first file's (matching them by name in each file is several times
    slower); load_files retries by name when a later file does not fit that reading."""
    if SOURCES[source][0] == "parquet":
        return f"read_parquet('{out / source}/*.parquet', union_by_name = true)"
    return f"read_csv('{out / source}/*.csv', union_by_name = {union_by_name}, header = true)"


def _create(con, sql: str, out: Path, source: str) -> None:
    """``sql`` with ``{files}`` replaced by the source's files, read fast, or by name if needed."""
    try:
        con.execute(sql.format(files=_files(out, source)))
    except (duckdb.ConversionException, duckdb.InvalidInputException):
        con.execute(sql.format(files=_files(out, source, union_by_name=True)))


def load_files(out: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the tidied files (tables described in the comments below)."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    lsoas = ics_lsoas()[["lsoa11cd", "place_code", "imd_quintile"]]  # noqa: F841 (read by DuckDB)
    con.execute("create table lsoas as select lsoa11cd as lsoa11, place_code, "
                "cast(imd_quintile as integer) as imd_quintile from lsoas")
    con.execute(f"create table esp as select age_lower, esp2013_population as weight "
                f"from read_csv('{ESP2013_FILE}')")
    # Re-submitted copies differ only in their file date: drop it and keep one of each record.
    for table, source in (("events", "gp_events"), ("ecds", "ecds_attendances"),
                          ("apc", "apc_episodes"), ("ncmp", "ncmp_measurements"),
                          ("births", "msds_births"), ("epaccs", "epaccs_records"),
                          ("social_care", "asc_cld_events")):
        _create(con, f"create or replace table {table} as "
                     "select distinct * exclude (extract_date) from {files}", out, source)
    _create(con, """create or replace table deaths as
        select distinct person_id, REG_DATE_OF_DEATH as died, REG_DATE as registered,
               DEC_AGEC as age, LSOA_OF_RESIDENCE_CODE as lsoa11,
               S_UNDERLYING_COD_ICD10 as cause, POD_CODE, POD_ESTABLISHMENT_TYPE
        from {files}""", out, "civil_registration_deaths")
    # Registrations arrive as versions: each registration's latest version says where it stands.
    # A person is registered from their first registration's start until the last one ends or
    # they die (whichever source says so first: some registrations are never closed after death);
    # people who change practice have two registrations, briefly overlapping for some.
    _create(con, "create or replace table gp as select * from {files}", out, "gp_registrations")
    con.execute("""create table people as
        with registrations as (
            select person_id, practice_code, registration_start_date,
                   max(extract_date) as seen,
                   arg_max(birth_year_month, extract_date) as birth,
                   arg_max(sex, extract_date) as sex,
                   arg_max(lsoa11, extract_date) as lsoa11,
                   arg_max(try_cast(registration_end_date as date), extract_date) as ended,
                   arg_max(try_cast(date_of_death as date), extract_date) as gp_death
            from gp group by all),
        latest as (
            select person_id,
                   arg_max(birth, seen) as birth,
                   arg_max(sex, seen) as sex,
                   arg_max(lsoa11, seen) as lsoa11,
                   min(registration_start_date) as registered_from,
                   -- open while any registration is open
                   case when count(ended) = count(*) then max(ended) end as ended,
                   max(gp_death) as gp_death
            from registrations group by person_id),
        death as (select person_id, min(died) as died from deaths
                  where person_id is not null group by person_id)
        select latest.person_id, birth, cast(sex as varchar) as sex, latest.lsoa11,
               lsoas.imd_quintile, lsoas.place_code, registered_from,
               least(ended, gp_death, death.died) as registered_to, death.died
        from latest left join death using (person_id) left join lsoas using (lsoa11)""")
    # The financial years the files cover in full, April to March.
    con.execute("""create table years as
        with span as (select min(extract_date) - interval 1 month as first_day,
                             max(extract_date) - interval 1 day as last_day from gp),
        starts as (select unnest(generate_series(
                       cast(year(first_day - interval 3 month) as integer),
                       cast(year(last_day - interval 3 month) as integer))) as y from span)
        select y || '/' || lpad(cast((y + 1) % 100 as varchar), 2, '0') as year,
               make_date(y, 4, 1) as first_day, make_date(y + 1, 3, 31) as last_day
        from starts, span
        where make_date(y, 4, 1) >= span.first_day and make_date(y + 1, 3, 31) <= span.last_day
        order by y""")
    # Each person's registered time in each year (person-years) and age at its midpoint.
    con.execute("""create table person_years as
        select years.year, people.*,
               (least(coalesce(registered_to, last_day + 1), last_day + 1)
                - greatest(registered_from, first_day)) / 365.25 as py,
               greatest(floor(datediff('month', birth, first_day + interval 6 month) / 12), 0)
                   as age_mid  -- born after the midpoint: counted as age 0
        from people, years
        where registered_from <= last_day and coalesce(registered_to, last_day + 1) > first_day""")
    # The same with every year pooled too (year ALL_YEARS), for the measures that need it.
    con.execute(f"""create table periods as select * from years
                    union all select '{ALL_YEARS}', min(first_day), max(last_day) from years""")
    con.execute(f"""create view person_years_pooled as select * from person_years
                    union all select * replace ('{ALL_YEARS}' as year) from person_years""")
    return con

"""The staging tables incremental by delivery, int_gp_events_clustered and the person tables after
them, and the per-period population models: a build that takes in a new delivery leaves exactly
the rows a full rebuild of the same raw layer gives (macros latest_versions,
gp_events_not_yet_clustered, people_to_build_again), in the periods it builds again (macro
open_periods). The deliveries here are written straight into the raw layer, to reach cases the
demo extracts rarely hold."""

from datetime import timedelta

import duckdb

from benchmarks.refresh_month import OPEN_ROWS
from pipelines.warehouse.dbt import build_warehouse
from tests.conftest import copy_of_warehouse

MODELS = ["staging.stg_gp__events", "intermediate.int_gp_events_clustered",
          "staging.stg_apc__diagnoses"]
SELECTED = [table.split(".")[1] for table in MODELS]  # the models' names
NOT_CLUSTERED = 999999999  # a SNOMED code in no cluster of ref_clinical_codes


def contents(settings) -> dict[str, list]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return {table: con.execute(f"select * from {table} order by all").fetchall()
                for table in MODELS}


def _deliver(con, table: str, replace: str, where: str, params: list,
             batch: str = "correction-batch", sequence: int | None = None) -> None:
    """A new delivery in raw.`table` re-sending the latest version of the rows `where` picks, with
    the columns `replace` changes (DuckDB's SELECT * REPLACE), as batch `batch`, numbered
    `sequence` (default: after every delivery of the table)."""
    number = int(sequence) if sequence is not None else \
        f"(select max(_delivery_seq) + 1 from raw.{table})"
    con.execute(
        f"insert into raw.{table} by name select * replace ({replace}, '{batch}' as _batch_id, "
        f"{number} as _delivery_seq) from raw.{table} "
        f"where {where} qualify row_number() over (order by _delivery_seq desc) = 1", params)


def deliver_corrections(settings) -> dict[str, str]:
    """A new delivery in raw.gp_events re-sending three clustered events: one with a code in no
    cluster, one with an earlier date, and one whose extract date is older than the version held
    (that version must keep winning); and in raw.apc_episodes an episode re-sent with no code in
    any position (the primary can arrive empty: its rule only flags). Returns what was done to
    which event, and the episode."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        events = [row[0] for row in con.execute(
            "select event_id from intermediate.int_gp_events_clustered "
            "group by event_id having count(*) = 1 order by event_id limit 3").fetchall()]
        sequence = con.execute("select max(_delivery_seq) + 1 from raw.gp_events").fetchone()[0]
        changes = {
            events[0]: f"snomed_code := {NOT_CLUSTERED}",
            events[1]: "clinical_effective_date := clinical_effective_date - 1",
            events[2]: "extract_date := extract_date - 400",
        }
        for event_id, change in changes.items():  # one delivery of the three
            column, value = change.split(" := ")
            _deliver(con, "gp_events", f"{value} as {column}", "event_id = ?", [event_id],
                     sequence=sequence)
        episode = con.execute("select episode_id from staging.stg_apc__diagnoses group by 1 "
                              "having count(*) > 1 order by 1 limit 1").fetchone()[0]
        no_codes = ", ".join(["'' as Primary_Diagnosis_Code"] + [
            f"null as Secondary_Diagnosis_{n:02d}" for n in range(1, 20)])
        _deliver(con, "apc_episodes", no_codes, "APCE_Ident = ?", [episode])
    return changes | {"episode": episode}


def test_a_new_delivery_leaves_what_a_full_rebuild_gives(built_warehouse, tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path / "incremental")
    before = contents(copy)
    changes = deliver_corrections(copy)

    build_warehouse(copy, ["--select", *SELECTED])
    incremental = contents(copy)
    rebuilt = copy_of_warehouse(copy, tmp_path / "rebuilt")
    build_warehouse(rebuilt, ["--select", *SELECTED, "--full-refresh"])
    assert incremental == contents(rebuilt)

    # and the corrections took effect: the event now in no cluster left the clustered table, the
    # redated one moved, the older version changed nothing
    clustered = {row[0]: row for row in incremental["intermediate.int_gp_events_clustered"]}
    held = {row[0]: row for row in before["intermediate.int_gp_events_clustered"]}
    episode = changes.pop("episode")
    first, second, third = changes
    assert first in held and first not in clustered
    assert (held[second][2] - clustered[second][2]).days == 1
    assert clustered[third] == held[third]
    assert len(incremental["staging.stg_gp__events"]) == len(before["staging.stg_gp__events"])
    # the episode re-sent without codes has no diagnosis left
    assert any(row[0] == episode for row in before["staging.stg_apc__diagnoses"])
    assert not any(row[0] == episode for row in incremental["staging.stg_apc__diagnoses"])



# The models a refresh takes people, admissions and social-care events into again: int_persons
# and int_person_registrations (people of new registrations and every registered death),
# int_apc_admissions (episodes of new deliveries and those placed by a GP address) and
# stg_social_care__events (a key that may hold NULLs), with the staging tables under them.
PEOPLE_MODELS = ["staging.stg_gp__registrations", "staging.stg_civil_registration__deaths",
                 "intermediate.int_persons", "intermediate.int_person_registrations",
                 "intermediate.int_gp_addresses",
                 "staging.stg_apc__episodes", "intermediate.int_apc_admissions",
                 "staging.stg_social_care__events"]


def deliver_people_corrections(settings) -> dict:
    """New deliveries that change people, admissions and social-care events:
    - a registration of a person with an admission placed by their GP address, re-sent with another
      LSOA and ethnic category (int_persons, int_gp_addresses and that admission must follow it);
    - a death registered for a living person (int_persons must take it in);
    - a first episode re-sent as the second of its spell (it must leave int_apc_admissions), and
      another re-sent with no LSOA (it must be placed by the GP address);
    - a social-care event with no service type, re-sent with a later import date and another
      outcome (it must replace the row, not sit beside it), and another re-sent with an older
      import date (it must lose)."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        # a person whose latest registration (int_persons' choice: latest start, then the higher
        # practice) gave the address of an admission with no LSOA of its own
        moved_person, start, practice, episode = con.execute(
            "with latest as (select person_id, registration_start_date, practice_code, "
            "  row_number() over (partition by person_id order by registration_start_date desc, "
            "    extract_date desc, practice_code desc) as recency "
            "  from staging.stg_gp__registrations where lsoa11cd is not null) "
            "select latest.person_id, latest.registration_start_date, latest.practice_code, "
            "  admissions.episode_id "
            "from latest join intermediate.int_apc_admissions as admissions using (person_id) "
            "where latest.recency = 1 and admissions.residence_source = 'gp_registration' "
            "and admissions.admission_date >= latest.registration_start_date "
            "order by 1, 4 limit 1").fetchone()
        lsoa = con.execute(  # another LSOA than the one the admission was placed in
            "select min(lsoa11cd) from staging.stg_gp__registrations where lsoa11cd <> "
            "(select residence_lsoa11cd from intermediate.int_apc_admissions where episode_id = ?)",
            [episode]).fetchone()[0]
        _deliver(con, "gp_registrations", "? as lsoa11, 'R' as ethnic_category, "
                 "extract_date + 1 as extract_date",
                 "person_id = ? and registration_start_date = ? and practice_code = ?",
                 [lsoa, moved_person, start, practice])
        living, dead = con.execute(
            "select (select person_id from intermediate.int_persons where date_of_death is null "
            "        order by person_id limit 1), "
            "       (select person_id from raw.civil_registration_deaths "
            "        where person_id is not null order by person_id limit 1)").fetchone()
        _deliver(con, "civil_registration_deaths", "? as person_id", "person_id = ?", [living, dead])
        no_longer_first, no_lsoa = [row[0] for row in con.execute(
            "select episode_id from intermediate.int_apc_admissions "
            "where residence_source = 'hospital_record' order by episode_id limit 2").fetchall()]
        _deliver(con, "apc_episodes", "2 as Episode_Number", "APCE_Ident = ?", [no_longer_first])
        _deliver(con, "apc_episodes", "null as Der_Postcode_LSOA_Code", "APCE_Ident = ?", [no_lsoa])
        newer, older = [row[0] for row in con.execute(
            "select record_id from staging.stg_social_care__events where service_type is null "
            "group by record_id having count(*) = 1 order by record_id limit 2").fetchall()]
        _deliver(con, "asc_cld_events", "ImportDate + 1 as ImportDate, 'people-outcome' as "
                 "Event_Outcome", "Der_Unique_Record_ID = ?", [newer])
        _deliver(con, "asc_cld_events", "ImportDate - 1 as ImportDate, 'older-outcome' as "
                 "Event_Outcome", "Der_Unique_Record_ID = ?", [older])
    return {"moved_person": moved_person, "lsoa": lsoa, "placed_episode": episode, "living": living,
            "no_longer_first": no_longer_first, "no_lsoa": no_lsoa,
            "newer_event": newer, "older_event": older}


def test_new_people_admissions_and_social_care_leave_what_a_full_rebuild_gives(built_warehouse,
                                                                                tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path / "incremental")
    changed = deliver_people_corrections(copy)
    selected = [table.split(".")[1] for table in PEOPLE_MODELS]

    build_warehouse(copy, ["--select", *selected])
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        incremental = {t: con.execute(f"select * from {t} order by all").fetchall()
                       for t in PEOPLE_MODELS}
        person = con.execute("select latest_lsoa11cd, ethnic_category from intermediate.int_persons "
                             "where person_id = ?", [changed["moved_person"]]).fetchone()
        placed = con.execute("select residence_lsoa11cd from intermediate.int_apc_admissions "
                             "where episode_id = ?", [changed["placed_episode"]]).fetchone()[0]
        died = con.execute("select date_of_death from intermediate.int_persons where person_id = ?",
                           [changed["living"]]).fetchone()[0]
        # who the person is, on each of their registrations
        registrations_died = con.execute(
            "select count(*), count(date_of_death) from intermediate.int_person_registrations "
            "where person_id = ?", [changed["living"]]).fetchone()
        moved_registrations = con.execute(
            "select count(*) filter (where lsoa11cd = ?), max(registrations_of_person), count(*) "
            "from intermediate.int_person_registrations where person_id = ?",
            [changed["lsoa"], changed["moved_person"]]).fetchone()
        admissions = dict(con.execute(
            "select episode_id, residence_source from intermediate.int_apc_admissions "
            "where episode_id in (?, ?)", [changed["no_longer_first"], changed["no_lsoa"]]).fetchall())
        outcomes = con.execute(
            "select record_id, event_outcome from staging.stg_social_care__events "
            "where record_id in (?, ?) order by 1", [changed["newer_event"], changed["older_event"]]
        ).fetchall()
    rebuilt = copy_of_warehouse(copy, tmp_path / "rebuilt")
    build_warehouse(rebuilt, ["--select", *selected, "--full-refresh"])
    with duckdb.connect(str(rebuilt.duckdb_path), read_only=True) as con:
        assert incremental == {t: con.execute(f"select * from {t} order by all").fetchall()
                               for t in PEOPLE_MODELS}

    # and the corrections took effect
    assert person == (changed["lsoa"], "R")
    assert placed == changed["lsoa"]
    assert died is not None
    assert registrations_died[0] >= 1 and registrations_died[1] == registrations_died[0]
    assert moved_registrations[0] >= 1 and moved_registrations[1] == moved_registrations[2]
    assert admissions == {changed["no_lsoa"]: "gp_registration"} or \
        admissions == {changed["no_lsoa"]: "unknown"}
    assert dict(outcomes)[changed["newer_event"]] == "people-outcome"
    assert dict(outcomes)[changed["older_event"]] != "older-outcome"
    assert len(outcomes) == 2  # one row each: replaced, not added


def test_person_registrations_catch_up_after_a_build_that_left_int_persons_behind(built_warehouse,
                                                                                  tmp_path):
    """A partial build that takes new registrations into int_person_registrations but not into
    int_persons builds those people with who they were; the next build, int_persons included,
    must build them again (int_person_registrations takes its newest delivery from int_persons, so
    it never counts them as taken in first), leaving what a full rebuild gives."""
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path / "incremental")
    changed = deliver_people_corrections(copy)
    models = ["stg_gp__registrations", "stg_civil_registration__deaths", "int_persons",
              "int_person_registrations"]
    ethnicity = ("select distinct ethnicity_group from intermediate.int_person_registrations "
                 "where person_id = ?")
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        before = con.execute(ethnicity, [changed["moved_person"]]).fetchall()
    assert before != [("Other",)]  # else the re-delivered 'R' would change nothing to see

    build_warehouse(copy, ["--select", "stg_gp__registrations", "int_person_registrations"])
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        left_behind = con.execute(ethnicity, [changed["moved_person"]]).fetchall()
    build_warehouse(copy, ["--select", *models])
    rebuilt = copy_of_warehouse(copy, tmp_path / "rebuilt")
    build_warehouse(rebuilt, ["--select", *models, "--full-refresh"])
    table = "intermediate.int_person_registrations"
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        caught_up = con.execute(f"select * from {table} order by all").fetchall()
        ethnicity_now = con.execute(ethnicity, [changed["moved_person"]]).fetchall()
    with duckdb.connect(str(rebuilt.duckdb_path), read_only=True) as con:
        assert caught_up == con.execute(f"select * from {table} order by all").fetchall()
    # the partial build gave the moved person their old ethnic group (int_persons was behind), and
    # the re-delivered registration's 'R' (group "Other") shows after the next build
    assert left_behind == before
    assert ethnicity_now == [("Other",)]


# The per-period population models and what they are built from. int_registered_population holds
# who is registered at each year end, int_population_at_risk the counts of the year ends and
# mid-years; a refresh rebuilds their open periods only (int_open_periods).
POPULATION_MODELS = ["stg_gp__registrations", "stg_civil_registration__deaths", "int_persons",
                     "int_person_registrations", "int_registered_population",
                     "int_population_at_risk"]
PER_PERIOD_TABLES = ["intermediate.int_registered_population",
                     "intermediate.int_population_at_risk"]
YEAR_END_ROWS = ("select period, lsoa11cd from intermediate.int_registered_population "
                 "where person_id = ? order by period")


def deliver_a_late_death_and_a_move(settings) -> dict:
    """Deliveries that change who is registered where, in the open financial year and the closed one
    before it:
    - a death registered late, dated ten days before the closed year's end, of a person registered
      at both year ends (a full rebuild takes them out of both; a refresh out of the open year
      only, the revision policy keeping the closed year as it was built);
    - the registration of another person, open from before the open year's mid-year date to after
      its end, re-sent with an LSOA of another place (the year end and the mid-year counts of the
      population at risk must follow the move)."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        (open_year, open_end, open_mid_year), (closed_year, closed_end, _) = con.execute(
            "select period, period_end, mid_year_date from intermediate.int_periods "
            "where period_type = 'financial_year' order by period_end desc limit 2").fetchall()
        open_periods = {row[0] for row in con.execute(
            "select period from intermediate.int_open_periods").fetchall()}
        assert open_year in open_periods and closed_year not in open_periods
        dying = con.execute(
            "select person_id from intermediate.int_registered_population "
            "where period in (?, ?) group by person_id having count(*) = 2 "
            "order by person_id limit 1", [open_year, closed_year]).fetchone()[0]
        died_on = closed_end - timedelta(days=10)
        _deliver(con, "civil_registration_deaths",
                 "? as person_id, cast(? as date) as REG_DATE_OF_DEATH, cast(? as date) as REG_DATE",
                 "true", [dying, died_on, died_on + timedelta(days=5)])
        moved, start, practice, old_lsoa = con.execute(
            "select person_id, registration_start_date, practice_code, lsoa11cd "
            "from intermediate.int_person_registrations "
            "where registrations_of_person = 1 and date_of_death is null and person_id <> ? "
            "and lsoa11cd is not null and registration_start_date <= ? "
            "and (registration_end_date is null or registration_end_date > ?) "
            "order by person_id limit 1", [dying, open_mid_year, open_end]).fetchone()
        new_lsoa = con.execute(
            "select min(lsoa11cd) from intermediate.int_lsoas_with_areas where place_code <> "
            "(select place_code from intermediate.int_lsoas_with_areas where lsoa11cd = ?)",
            [old_lsoa]).fetchone()[0]
        _deliver(con, "gp_registrations", "? as lsoa11, extract_date + 1 as extract_date",
                 "person_id = ? and registration_start_date = ? and practice_code = ?",
                 [new_lsoa, moved, start, practice])
    return {"open_year": open_year, "closed_year": closed_year, "dying": dying, "moved": moved,
            "old_lsoa": old_lsoa, "new_lsoa": new_lsoa}


def per_period_rows(settings) -> dict[str, list]:
    """Every row of the per-period tables, by table and by whether a refresh builds it again
    (OPEN_ROWS, the rule the refresh benchmark and the e2e test compare by)."""
    where = {"open": OPEN_ROWS, "kept": f"not ({OPEN_ROWS})"}
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return {f"{table} {kind}": con.execute(
            f"select * from {table} where {rows} order by all").fetchall()
            for table in PER_PERIOD_TABLES for kind, rows in where.items()}


def mid_year_people(settings, period: str) -> int:
    """The population at risk of a financial year: those registered at its mid-year date."""
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute("select sum(people) from intermediate.int_population_at_risk "
                           "where period = ? and snapshot = 'mid_year'", [period]).fetchone()[0]


def test_a_late_death_and_a_move_leave_the_open_periods_as_a_full_rebuild_does(built_warehouse,
                                                                               tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path / "incremental")
    before = per_period_rows(copy)
    changed = deliver_a_late_death_and_a_move(copy)
    open_year, closed_year = changed["open_year"], changed["closed_year"]
    people_before = mid_year_people(copy, open_year)

    build_warehouse(copy, ["--select", *POPULATION_MODELS])
    incremental = per_period_rows(copy)
    rebuilt = copy_of_warehouse(copy, tmp_path / "rebuilt")
    build_warehouse(rebuilt, ["--select", *POPULATION_MODELS, "--full-refresh"])
    full = per_period_rows(rebuilt)
    for table in PER_PERIOD_TABLES:
        assert incremental[f"{table} open"] == full[f"{table} open"], table
        assert incremental[f"{table} open"] != before[f"{table} open"], table  # it changed
        # the closed periods are as they were built; the full rebuild revised them
        assert incremental[f"{table} kept"] == before[f"{table} kept"], table

    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        dying_now = con.execute(YEAR_END_ROWS, [changed["dying"]]).fetchall()
        moved_now = dict(con.execute(YEAR_END_ROWS, [changed["moved"]]).fetchall())
    with duckdb.connect(str(rebuilt.duckdb_path), read_only=True) as con:
        dying_rebuilt = con.execute(YEAR_END_ROWS, [changed["dying"]]).fetchall()
    # the death took the person out of the open year end; the closed one keeps them until a full
    # refresh, which takes them out of it too
    assert open_year not in dict(dying_now) and closed_year in dict(dying_now)
    assert open_year not in dict(dying_rebuilt) and closed_year not in dict(dying_rebuilt)
    # the move: the open year end has the new address; and the open year's population at risk
    # (its mid-year, after the death) counts one person fewer, the move changing no total
    assert moved_now[open_year] == changed["new_lsoa"] != changed["old_lsoa"]
    assert people_before > 1000 and mid_year_people(copy, open_year) == people_before - 1

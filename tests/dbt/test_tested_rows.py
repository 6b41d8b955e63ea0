"""A refresh of the project that built the warehouse tests the rows it wrote (macro
get_where_subquery, var refresh_of_built_project): the open periods of a per-period model, the keys
of new deliveries in a staging table. A defect in rows it kept was there when they were tested, and
a build without the var reads every row."""

import duckdb

from pipelines.ops.build_fingerprint import TABLE as BUILD_RECORD
from pipelines.warehouse.dbt import REFRESH_OF_BUILT_PROJECT, DbtFailed, run_dbt
from tests.conftest import copy_of_warehouse

PERIODS_MODEL = "intermediate.int_gp_status_at_year_end"
EVENTS = "staging.stg_gp__events"


def build(model: str) -> list[str]:
    return ["build", "--select", model, "--exclude-resource-type", "unit_test"]


def copies(settings, table: str, key: str) -> int:
    """Rows of `table` beyond one per `key`."""
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(f"select count(*) - count(distinct ({key})) from {table}").fetchone()[0]


def passes(settings, model: str, *options: str) -> bool:
    try:
        run = run_dbt(settings, [*build(model), *options], duckdb_path=settings.duckdb_path)
    except DbtFailed as failed:
        # the build failed by a test's finding, not by an error
        assert {(n.resource_type, n.status) for n in failed.nodes
                if n.status not in ("success", "pass")} == {("test", "fail")}, failed
        return False
    assert {n.status for n in run.nodes} == {"success", "pass"}
    return True


def test_a_refresh_tests_the_open_periods_and_any_other_build_every_period(built_warehouse,
                                                                           tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path)
    with duckdb.connect(str(copy.duckdb_path)) as con:
        oldest = con.execute(f"select min(period) from {PERIODS_MODEL}").fetchone()[0]
        open_periods = con.execute("select period from intermediate.int_open_periods").fetchall()
        con.execute(f"insert into {PERIODS_MODEL} select * from {PERIODS_MODEL} "
                    "where period = ? limit 1", [oldest])
    assert (oldest,) not in open_periods
    assert copies(copy, PERIODS_MODEL, "period, person_id") == 1

    # the refresh rebuilds the open periods and keeps the oldest as it was, duplicate included:
    # its unique test reads only what the refresh wrote
    assert passes(copy, "int_gp_status_at_year_end", *REFRESH_OF_BUILT_PROJECT)
    assert copies(copy, PERIODS_MODEL, "period, person_id") == 1
    # any other build tests every period, and finds it
    assert not passes(copy, "int_gp_status_at_year_end")


def duplicate_an_event(con, newest_delivery: int, newer_than_the_build: bool) -> None:
    """A second copy of an event of the newest delivery (or of an older one)."""
    con.execute(f"insert into {EVENTS} select * from {EVENTS} where batch_id "
                f"{'' if newer_than_the_build else 'not'} in (select batch_id from "
                "ops.ingest_batches where delivery_seq = ?) limit 1", [newest_delivery])


def test_a_refresh_tests_the_keys_of_deliveries_after_the_last_build(built_warehouse, tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path)
    with duckdb.connect(str(copy.duckdb_path)) as con:
        newest, built = con.execute(f"select (select max(delivery_seq) from ops.ingest_batches), "
                                    f"deliveries_taken_in from {BUILD_RECORD}").fetchone()
        assert built == newest  # the build recorded the deliveries it took in
        # as if the last GP events delivery had come after the last build
        last_events = con.execute(
            f"select max(delivery_seq) from ops.ingest_batches where batch_id in "
            f"(select batch_id from {EVENTS})").fetchone()[0]
        con.execute(f"update {BUILD_RECORD} set deliveries_taken_in = ?", [last_events - 1])
        duplicate_an_event(con, last_events, newer_than_the_build=False)
    assert copies(copy, EVENTS, "event_id") == 1

    # an event of a delivery the last build took in: the refresh's test does not read it ...
    assert passes(copy, "stg_gp__events", *REFRESH_OF_BUILT_PROJECT)
    assert copies(copy, EVENTS, "event_id") == 1
    # ... and a build without the var reads every event
    assert not passes(copy, "stg_gp__events")

    with duckdb.connect(str(copy.duckdb_path)) as con:
        con.execute(f"delete from {EVENTS} where event_id in (select event_id from {EVENTS} "
                    "group by event_id having count(*) > 1)")
        duplicate_an_event(con, last_events, newer_than_the_build=True)
    # a key of a newer delivery: the refresh tests it and finds it
    assert copies(copy, EVENTS, "event_id") == 1
    assert not passes(copy, "stg_gp__events", *REFRESH_OF_BUILT_PROJECT)

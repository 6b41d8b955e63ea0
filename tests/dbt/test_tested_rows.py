"""A refresh of the project that built the warehouse tests the periods it wrote (macro
get_where_subquery, var refresh_of_built_project): a defect in a period it kept was there when that
period was tested, and a build without the var reads every period."""

import duckdb
import pytest

from pipelines.warehouse.dbt import REFRESH_OF_BUILT_PROJECT, DbtFailed, run_dbt
from tests.conftest import copy_of_warehouse

MODEL = "intermediate.int_gp_status_at_year_end"
BUILD = ["build", "--select", "int_gp_status_at_year_end", "--exclude-resource-type", "unit_test"]


def duplicate_a_row_of_the_oldest_period(settings) -> str:
    with duckdb.connect(str(settings.duckdb_path)) as con:
        oldest = con.execute(f"select min(period) from {MODEL}").fetchone()[0]
        con.execute(f"insert into {MODEL} select * from {MODEL} where period = ? limit 1", [oldest])
    return oldest


def duplicates(settings) -> int:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute("select count(*) - count(distinct (period, person_id)) "
                           f"from {MODEL}").fetchone()[0]


def test_a_refresh_tests_the_open_periods_and_any_other_build_every_period(built_warehouse,
                                                                           tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path)
    oldest = duplicate_a_row_of_the_oldest_period(copy)
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        open_periods = con.execute("select period from intermediate.int_open_periods").fetchall()
    assert (oldest,) not in open_periods and duplicates(copy) == 1

    # the refresh rebuilds the open periods and keeps the oldest as it was, duplicate included:
    # its unique test reads only what the refresh wrote
    refresh = run_dbt(copy, [*BUILD, *REFRESH_OF_BUILT_PROJECT], duckdb_path=copy.duckdb_path)
    assert {n.status for n in refresh.nodes} == {"success", "pass"}
    assert duplicates(copy) == 1

    # any other build tests every period, and finds it
    with pytest.raises(DbtFailed, match="unique_combination_int_gp_status_at_year_end"):
        run_dbt(copy, BUILD, duckdb_path=copy.duckdb_path)

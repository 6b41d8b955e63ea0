"""marts.fct_inequality_summary takes over the earlier row of a group whose inputs and method are
unchanged (its input_digest), in a real dbt build, and computes every row again on
--full-refresh (pipelines/warehouse/python_models.py previous_build)."""

import duckdb

from pipelines.warehouse.dbt import build_warehouse
from tests.conftest import copy_of_warehouse

SUMMARY = "marts.fct_inequality_summary"


def a_group_with_an_sii(settings) -> list:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return list(con.execute(f"select indicator_id, period, area_type, area_code from {SUMMARY} "
                                "where sii > sii_lower_ci95 order by all limit 1").fetchone())


def plant(settings, group) -> float:
    """A planted SII in the group's row (halfway to its lower limit, so the model's data tests
    still pass), its input_digest left as it was; returns it."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        return con.execute(f"update {SUMMARY} set sii = (sii + sii_lower_ci95) / 2 "
                           "where indicator_id = ? and period = ? and area_type = ? "
                           "and area_code = ? returning sii", group).fetchone()[0]


def sii_of(settings, group) -> float:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(f"select sii from {SUMMARY} where indicator_id = ? and period = ? "
                           "and area_type = ? and area_code = ?", group).fetchone()[0]


def test_an_unchanged_group_keeps_its_row_and_a_full_refresh_computes_it_again(built_warehouse,
                                                                               tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path)
    group = a_group_with_an_sii(copy)
    computed = sii_of(copy, group)
    planted = plant(copy, group)
    assert planted != computed and sii_of(copy, group) == planted

    build_warehouse(copy, ["--select", "fct_inequality_summary"])
    assert sii_of(copy, group) == planted  # taken over: its inputs and method are unchanged

    build_warehouse(copy, ["--select", "fct_inequality_summary", "--full-refresh"])
    assert sii_of(copy, group) == computed  # computed again

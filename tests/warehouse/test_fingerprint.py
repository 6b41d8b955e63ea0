"""A build records which version of the dbt project built the warehouse, and a build by another
version rebuilds every model (pipelines/warehouse/fingerprint.py)."""

import shutil

import duckdb

from pipelines.config import DBT_PROJECT_DIR
from pipelines.ops.build_fingerprint import stored_fingerprint
from pipelines.warehouse.dbt import SEEDS_AS_THEY_ARE, build_warehouse, command_variables
from pipelines.warehouse.fingerprint import project_fingerprint
from tests.conftest import copy_of_warehouse


def test_the_fingerprint_changes_with_any_file_or_variable_of_the_project(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR / "macros", project / "macros")
    (project / "dbt_project.yml").write_text("name: x\n")
    first = project_fingerprint(project, {"open_periods": 1})
    assert project_fingerprint(project, {"open_periods": 1}) == first
    assert project_fingerprint(project, {"open_periods": 2}) != first
    (project / "seeds").mkdir()
    (project / "seeds" / "codes.csv").write_text("code\n1\n")
    assert project_fingerprint(project, {"open_periods": 1}) != first


def test_a_changed_project_rebuilds_every_model_and_records_its_fingerprint(built_warehouse,
                                                                            tmp_path):
    """Incremental models are extended only by the code that built them: a build with other
    variables (here a different revision policy) rebuilds everything, and says so."""
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path)
    recorded = stored_fingerprint(copy.duckdb_path)
    assert recorded is not None

    same = build_warehouse(copy, ["--select", "stg_gp__events"])
    assert same.full_rebuild_reason is None and "--full-refresh" not in same.command

    changed = build_warehouse(copy, ["--select", "stg_gp__events", "--vars", "{open_periods: 2}"])
    assert "--full-refresh" in changed.command
    given = command_variables(same.command) | command_variables(changed.command)
    assert "refresh_of_built_project" not in given  # not whole builds
    assert "changed since the warehouse was last built" in changed.full_rebuild_reason
    assert stored_fingerprint(copy.duckdb_path) == recorded  # a part of the project: not recorded


def test_a_build_of_the_same_project_leaves_the_seeds_as_they_are(built_warehouse, tmp_path):
    """The seeds are part of the fingerprint: when it has not changed, their tables hold what the
    seed files say, and a whole build does not load them again (a changed project is rebuilt
    with --full-refresh, which loads them: the test above). Such a build writes only the
    per-period models' open periods, and tells their tests so."""
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path)
    lsoas = "select * from reference.ref_imd2019_lsoa11 order by all"
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        before = con.sql(lsoas).fetchall()

    same = build_warehouse(copy)
    assert " ".join(SEEDS_AS_THEY_ARE) in " ".join(same.command)
    # the tests marked for it read what the build wrote: tests/dbt/test_tested_rows.py
    assert command_variables(same.command)["refresh_of_built_project"] is True
    assert not [n for n in same.nodes if n.resource_type == "seed"]
    assert {n.status for n in same.nodes} <= {"success", "pass"}
    assert sum(n.resource_type == "model" for n in same.nodes) > 90
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        assert len(before) > 30_000 and con.sql(lsoas).fetchall() == before

"""A build records which version of the dbt project, and of the packages that run it, built the
warehouse, and a build by another version rebuilds every model (pipelines/warehouse/fingerprint.py)."""

import shutil
from importlib import metadata

import duckdb
from dbt import version as dbt_version
from dbt.adapters.duckdb import __version__ as dbt_duckdb_version

from pipelines.config import DBT_PROJECT_DIR
from pipelines.ops.build_fingerprint import stored_fingerprint
from pipelines.warehouse.dbt import REFERENCE_DATA_AS_IT_IS, build_warehouse, command_variables
from pipelines.warehouse.fingerprint import ENGINE_PACKAGES, engine_versions, project_fingerprint
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
    with_seed = project_fingerprint(project, {"open_periods": 1})
    assert with_seed != first
    # what a build of the same project leaves as it is, and the tests it relies on having passed
    (project / "selectors.yml").write_text("selectors: []\n")
    with_selectors = project_fingerprint(project, {"open_periods": 1})
    assert with_selectors != with_seed
    (project / "tests").mkdir()
    (project / "tests" / "a_check.sql").write_text("select 1 where false\n")
    assert project_fingerprint(project, {"open_periods": 1}) != with_selectors


def test_the_fingerprint_changes_with_the_version_of_any_package_that_writes_the_rows(tmp_path):
    """Rows kept from a build by other versions of dbt or DuckDB may differ from what the installed
    ones write, so a new version of any of them rebuilds everything too."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: x\n")
    installed = engine_versions()
    assert set(installed) == set(ENGINE_PACKAGES)
    # the versions the running code reports of itself
    assert installed["dbt-core"] == dbt_version.__version__
    assert installed["dbt-duckdb"] == dbt_duckdb_version.version
    first = project_fingerprint(project, {})
    assert project_fingerprint(project, {}, engine=installed) == first
    for package in installed:
        assert project_fingerprint(project, {}, engine=installed | {package: "0.0.1"}) != first


def test_every_package_with_a_materialisation_a_duckdb_build_runs_is_in_the_fingerprint():
    """dbt's materialisations have moved between packages before (dbt-core to dbt-adapters in
    1.8): whichever installed package ships the shared ones or DuckDB's is fingerprinted."""
    shipping = set()
    for distribution in metadata.distributions():
        for path in distribution.files or []:
            if str(path).startswith(("dbt/include/global_project/macros/materializations/",
                                     "dbt/include/duckdb/macros/materializations/")):
                shipping.add(distribution.metadata["Name"].lower().replace("_", "-"))
                break
    assert {"dbt-adapters", "dbt-duckdb"} <= shipping
    assert shipping <= set(ENGINE_PACKAGES)


def test_a_changed_project_rebuilds_every_model_and_records_its_fingerprint(built_warehouse,
                                                                            tmp_path):
    """Incremental models are extended only by the code that built them: a build with other
    variables (here a different revision policy) rebuilds everything, and says so; after it built
    a part, a build of the first project no longer takes the warehouse for its own."""
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
    # a part of the project: not recorded; and that part is now the other version's, so the
    # recorded project's is forgotten, and its next build (here of a part again) rebuilds too
    assert stored_fingerprint(copy.duckdb_path) is None
    back = build_warehouse(copy, ["--select", "stg_gp__events"])
    assert "--full-refresh" in back.command and back.full_rebuild_reason is not None
    # the same when the other version's build of a part asked for --full-refresh itself
    asked = copy_of_warehouse(settings, tmp_path / "asked")
    build_warehouse(asked, ["--select", "stg_gp__events", "--vars", "{open_periods: 2}",
                            "--full-refresh"])
    assert stored_fingerprint(asked.duckdb_path) is None


# the models built from seeds alone, and a table of each with the rows to compare
REFERENCE_ONLY_MODELS = {
    "int_lsoas_with_areas": "intermediate.int_lsoas_with_areas",
    "int_ics_area": "intermediate.int_ics_area",
    "published_england_benchmarks": "published.england_benchmarks",
    "published_lsoa_deprivation": "published.lsoa_deprivation",
    "disclosure_metadata": "marts.disclosure_metadata",
}


def test_a_build_of_the_same_project_leaves_the_reference_data_as_it_is(built_warehouse,
                                                                         tmp_path):
    """The seeds are part of the fingerprint: when it has not changed, their tables hold what the
    seed files say, and a whole build does not load them again, nor build the models that read
    only them, nor test those (a changed project is rebuilt with --full-refresh, which builds
    them all: the test above). Such a build writes only the per-period models' open periods, and
    tells their tests so; the build's own record is written every time."""
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path)
    tables = {"ref_imd2019_lsoa11": "reference.ref_imd2019_lsoa11", **REFERENCE_ONLY_MODELS}
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        before = {name: con.sql(f"select * from {table} order by all").fetchall()
                  for name, table in tables.items()}
        built_at = con.sql("select dbt_invocation_id from published.build_info").fetchall()

    same = build_warehouse(copy)
    assert " ".join(REFERENCE_DATA_AS_IT_IS) in " ".join(same.command)
    # the tests marked for it read what the build wrote: tests/dbt/test_tested_rows.py
    assert command_variables(same.command)["refresh_of_built_project"] is True
    assert {n.status for n in same.nodes} <= {"success", "pass"}
    assert sum(n.resource_type == "model" for n in same.nodes) > 90
    built = {n.name for n in same.nodes}
    assert not [n for n in same.nodes if n.resource_type == "seed"]
    assert not built & set(REFERENCE_ONLY_MODELS)
    assert not [name for name in built if "ref_imd2019_lsoa11" in name]  # the seeds' tests
    assert {"published_build_info", "stg_gp__events", "fct_indicator_values"} <= built
    with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
        assert len(before["ref_imd2019_lsoa11"]) > 30_000
        assert all(before[name] and con.sql(f"select * from {table} order by all").fetchall()
                   == before[name] for name, table in tables.items())
        assert con.sql("select dbt_invocation_id from published.build_info").fetchall() != built_at

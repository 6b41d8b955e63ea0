"""docs/adding-an-indicator.md is true: its two files, added to one theme folder of a scratch copy
of the project, are all an indicator needs to reach the published table."""

import re
import shutil

import duckdb

from pipelines.config import DBT_PROJECT_DIR, PROJECT_ROOT
from pipelines.warehouse.dbt import run_dbt
from tests.conftest import settings_for

NAME = "ind_x_01_medication_review_65plus"
FOLDER = "models/marts/indicators/older_people"


def code_blocks(language: str) -> list[str]:
    doc = (PROJECT_ROOT / "docs" / "adding-an-indicator.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", doc, flags=re.DOTALL)


def test_an_indicator_is_its_sql_and_its_yaml_in_one_folder(built_warehouse, tmp_path):
    settings, _ = built_warehouse
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    before = {p.relative_to(project) for p in project.rglob("*") if p.is_file()}
    (project / FOLDER / f"{NAME}.sql").write_text(code_blocks("sql")[0])
    (project / FOLDER / f"{NAME}.yml").write_text(code_blocks("yaml")[0])
    added = {p.relative_to(project) for p in project.rglob("*") if p.is_file()} - before
    assert {p.parent.as_posix() for p in added} == {FOLDER} and len(added) == 2

    scratch = settings_for(tmp_path)
    scratch.duckdb_path.parent.mkdir(parents=True)
    shutil.copy(settings.duckdb_path, scratch.duckdb_path)  # same file name: DuckDB's catalog name
    # the new model, its unit test and what depends on it, but not the slow inequality simulation
    run = run_dbt(scratch, ["build", "--select", f"{NAME}+", "--exclude", "fct_inequality_summary+"],
                  project_dir=project)
    assert {(n.resource_type, n.status) for n in run.nodes if n.name.startswith("x_01")} == {
        ("unit_test", "pass")}

    with duckdb.connect(str(scratch.duckdb_path), read_only=True) as con:
        exact = con.execute("select count(*), count(value), sum(denominator) "
                            "from marts.fct_indicator_values where indicator_id = 'X-01'").fetchone()
        published = con.execute(
            "select breakdown, count(value) from published.indicator_values "
            "where indicator_id = 'X-01' and area_type = 'ics' group by all").fetchall()
    assert exact[0] > 0 and exact[1] > 0 and exact[2] > 0
    assert {b for b, _ in published} == {"all", "imd_quintile", "sex", "age_band", "ethnicity_group"}
    assert dict(published)["all"] == 2  # both financial years of the small warehouse

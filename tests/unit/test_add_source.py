"""A new source end to end using only the scaffold and the steps of docs/adding-a-source.md, in a
copy of the project (the real tree is not touched)."""

import shutil

import duckdb
import pytest

from pipelines.config import PROJECT_ROOT
from pipelines.contracts.model import parse_contract
from pipelines.landing import land_all
from pipelines.landing.batch import BatchStatus
from pipelines.sources import scaffold_source
from pipelines.warehouse.dbt import run_dbt

GUIDE = PROJECT_ROOT / "docs" / "adding-a-source.md"


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_scaffold_ingest_and_build_a_new_source(ph_env, tmp_path, file_format):
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "dbt_project", root / "dbt_project",
                    ignore=shutil.ignore_patterns("target", "logs"))
    (root / "data_contracts").mkdir()
    name = "community_contacts"

    # Step 1: scaffold (the guide names every file it creates).
    created = scaffold_source(name, file_format, root=root)
    guide = GUIDE.read_text()
    for path in created:
        relative = str(path.relative_to(root))
        if path.parent.name == name and path.parent.parent.name == "fixtures":
            relative = f"tests/fixtures/{name}/{name}_YYYYMM.csv"
        assert relative in guide, relative
    assert "pophealth sources new community_contacts" in guide
    with pytest.raises(FileExistsError):
        scaffold_source(name, file_format, root=root)

    # Steps 3-4: deliver the fixture and land it through the real contract and GX.
    contract = parse_contract(root / "data_contracts" / f"{name}.yml")
    shutil.copytree(root / "tests" / "fixtures" / name, ph_env.landing_dir / name)
    batches = land_all(ph_env, [contract])
    assert [(b.status, b.rows_loaded) for b in batches] == [(BatchStatus.LOADED, 20)]

    # Step 5: build the staging model and its tests with the real dbt project.
    run = run_dbt(ph_env, ["build", "--select", f"staging.{name}+"], project_dir=root / "dbt_project")
    assert {n.status for n in run.nodes} <= {"success", "pass"} and len(run.nodes) >= 3
    with duckdb.connect(str(ph_env.duckdb_path), read_only=True) as con:
        assert con.execute(f"select count(*) from staging.stg_{name}__records").fetchone()[0] == 20


def test_a_bad_name_is_refused(tmp_path):
    with pytest.raises(ValueError, match="snake_case"):
        scaffold_source("Bad-Name", root=tmp_path)

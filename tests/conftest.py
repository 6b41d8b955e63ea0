"""Shared fixtures: isolated PH_* paths per test, one Prefect test server per session, and small
synthetic extracts generated once per session (real files, real formats)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

SMALL = {"persons": 4000, "seed": 7, "start": "2019-04", "end": "2021-03"}


def point_settings_at(root: Path, monkeypatch: pytest.MonkeyPatch):
    """Point every PH_* path at a fresh folder under `root` (through `monkeypatch`, so they are
    undone with it) and return the loaded settings."""
    from pipelines.config import load_settings

    monkeypatch.setenv("PH_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("PH_REPORTS_DIR", str(root / "reports"))
    # exported by an earlier test's settings: derived from its folders, not this one's
    for name in ("PH_DUCKDB_PATH", "PH_LANDING_DIR", "PH_QUARANTINE_DIR", "PH_DUCKDB_TEMP_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    settings.ensure_dirs()
    return settings


@pytest.fixture
def ph_env(tmp_path, monkeypatch):
    """Every PH_* path in a fresh temporary folder for one test; the loaded settings."""
    return point_settings_at(tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect API for the whole session (starting one takes ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def small_extracts(tmp_path_factory) -> Path:
    """Two years of synthetic extracts for 4,000 people, generated once per session."""
    from pipelines.synthetic.generate import generate

    out = tmp_path_factory.mktemp("extracts")
    generate(out, **SMALL)
    return out


@pytest.fixture
def landed_copy(ph_env, small_extracts):
    """The small extracts copied into this test's landing folder."""
    shutil.copytree(small_extracts, ph_env.landing_dir, dirs_exist_ok=True)
    return ph_env


def settings_for(root: Path):
    from pipelines.config import Settings

    return Settings(data_dir=root / "data", duckdb_path=root / "data" / "warehouse.duckdb",
                    landing_dir=root / "data" / "landing", quarantine_dir=root / "data" / "quarantine",
                    reports_dir=root / "reports", dbt_target="test")


def ops_source_tables() -> dict[str, dict]:
    """The tables of the dbt source `ops` as declared (models/published/_ops__sources.yml), by name:
    the tests that tie the pipeline's own records to what dbt is told of them read it here."""
    import yaml

    from pipelines.config import DBT_PROJECT_DIR

    declared = yaml.safe_load((DBT_PROJECT_DIR / "models" / "published" / "_ops__sources.yml")
                              .read_text())
    (ops,) = [source for source in declared["sources"] if source["name"] == "ops"]
    return {table["name"]: table for table in ops["tables"]}


def copy_of_warehouse(settings, root: Path):
    """Scratch settings under `root` whose warehouse is a copy of `settings`'s: a test that changes
    or rebuilds a warehouse (such as the session's built_warehouse, which is read-only) works on
    its own copy."""
    copy = settings_for(root)
    copy.duckdb_path.parent.mkdir(parents=True)
    shutil.copy(settings.duckdb_path, copy.duckdb_path)
    return copy


def land_and_summarise(settings) -> list:
    """Every source's delivered files landed through the real contracts (``land_all``), then the
    data-quality summary, as the ingest flow does (without Prefect)."""
    from pipelines.contracts.model import load_contracts
    from pipelines.landing import land_all
    from pipelines.ops.data_quality import refresh_data_quality
    from pipelines.warehouse.connection import connect

    contracts = list(load_contracts().values())
    batches = land_all(settings, contracts)
    with connect(settings.duckdb_path) as con:
        refresh_data_quality(con, contracts)
    return batches


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory, small_extracts):
    """The small extracts landed through the real contracts and built with the real dbt project.
    Session-scoped and read-only for the tests that use it."""
    from pipelines.warehouse.dbt import build_warehouse

    settings = settings_for(tmp_path_factory.mktemp("built"))
    settings.ensure_dirs()
    shutil.copytree(small_extracts, settings.landing_dir, dirs_exist_ok=True)
    from pipelines.landing.batch import BatchStatus

    batches = land_and_summarise(settings)
    assert {b.status for b in batches} == {BatchStatus.LOADED}, [b.message for b in batches]
    run = build_warehouse(settings, unit_tests=True)  # the pipeline's builds leave them out
    return settings, run

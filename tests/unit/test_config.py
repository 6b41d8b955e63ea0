import os
from pathlib import Path

import pytest

from pipelines.config import load_settings
from pipelines.errors import UsageError


def test_defaults_are_absolute_and_relative_to_the_working_directory(tmp_path, monkeypatch):
    for name in ("PH_DATA_DIR", "PH_DUCKDB_PATH", "PH_LANDING_DIR", "PH_REPORTS_DIR",
                 "PH_QUARANTINE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.duckdb_path == tmp_path / "data" / "warehouse.duckdb"
    assert settings.landing_dir == tmp_path / "data" / "landing"
    assert settings.reports_dir == tmp_path / "reports" / "output"


def test_relative_overrides_are_resolved_and_exported_for_dbt(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PH_DUCKDB_PATH", "elsewhere/wh.duckdb")
    monkeypatch.setenv("PH_LANDING_DIR", "drop")
    settings = load_settings()
    assert settings.duckdb_path == tmp_path / "elsewhere" / "wh.duckdb"
    assert os.environ["PH_DUCKDB_PATH"] == str(tmp_path / "elsewhere" / "wh.duckdb")
    assert os.environ["PH_LANDING_DIR"] == str(tmp_path / "drop")
    assert Path(os.environ["DBT_PROFILES_DIR"]).joinpath("profiles.yml").exists()


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("0", False), ("1", True),
                                                 ("off", False), (" TRUE ", True)])
def test_the_board_pack_pdf_is_on_unless_turned_off(value, expected, monkeypatch):
    if value is None:
        monkeypatch.delenv("PH_BOARD_PACK_PDF", raising=False)
    else:
        monkeypatch.setenv("PH_BOARD_PACK_PDF", value)
    assert load_settings().board_pack_pdf is expected


def test_an_unclear_switch_is_an_error_that_names_it(monkeypatch):
    monkeypatch.setenv("PH_BOARD_PACK_PDF", "maybe")
    with pytest.raises(UsageError, match="PH_BOARD_PACK_PDF='maybe'"):
        load_settings()


def test_the_engine_is_duckdb_unless_spark_is_asked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("PH_ENGINE", "PH_SPARK_DIR", "PH_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    duck = load_settings()
    assert (duck.engine, duck.target, duck.published_path) == ("duckdb", "dev", duck.duckdb_path)
    assert duck.dbt_artifacts_dir == tmp_path / "data" / "dbt"
    monkeypatch.setenv("PH_ENGINE", "Spark")
    spark = load_settings()
    assert (spark.engine, spark.target) == ("spark", "spark")
    # Spark's folder holds its warehouse, its dbt artefacts and the published copy the report reads
    assert spark.spark_root == tmp_path / "data" / "spark"
    assert spark.published_path == tmp_path / "data" / "spark" / "published" / "warehouse.duckdb"
    assert spark.dbt_artifacts_dir == tmp_path / "data" / "spark" / "dbt"
    assert os.environ["PH_SPARK_DIR"] == str(tmp_path / "data" / "spark")
    assert (os.environ["PH_SPARK_MASTER"], os.environ["PH_SPARK_DRIVER_MEMORY"]) == ("local[2]", "4g")


def test_an_unknown_engine_is_an_error_that_names_the_choices(monkeypatch):
    monkeypatch.setenv("PH_ENGINE", "postgres")
    with pytest.raises(UsageError, match="PH_ENGINE='postgres': use one of duckdb, spark"):
        load_settings()


def test_duckdb_resources_come_from_config_and_a_bad_one_is_an_error_that_names_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("PH_DATA_DIR", "PH_DUCKDB_PATH", "PH_DUCKDB_MEMORY_LIMIT", "PH_DUCKDB_THREADS",
                 "PH_DUCKDB_TEMP_DIR", "PH_DBT_THREADS"):
        monkeypatch.delenv(name, raising=False)
    default = load_settings()
    # spilled beside the warehouse, where DuckDB itself would, under a limit well below the machine
    assert default.duckdb_config == {"memory_limit": "3GB", "threads": str(os.cpu_count()),
                                     "temp_directory": str(tmp_path / "data" / "warehouse.duckdb.tmp")}
    assert os.environ["PH_DUCKDB_MEMORY_LIMIT"] == "3GB" and os.environ["PH_DBT_THREADS"] == "2"
    monkeypatch.setenv("PH_DUCKDB_MEMORY_LIMIT", "1500MB")
    monkeypatch.setenv("PH_DUCKDB_THREADS", "1")
    monkeypatch.setenv("PH_DUCKDB_TEMP_DIR", "spill")
    monkeypatch.setenv("PH_DBT_THREADS", "4")
    chosen = load_settings()
    assert chosen.duckdb_config == {"memory_limit": "1500MB", "threads": "1",
                                    "temp_directory": str(tmp_path / "spill")}
    assert (chosen.dbt_threads, os.environ["PH_DUCKDB_TEMP_DIR"]) == (4, str(tmp_path / "spill"))
    for name, value, advice in (("PH_DUCKDB_MEMORY_LIMIT", "lots", "3GB or 1500MB"),
                                ("PH_DUCKDB_THREADS", "0", "1 or more"),
                                ("PH_DBT_THREADS", "two", "1 or more")):
        monkeypatch.setenv(name, value)
        with pytest.raises(UsageError, match=f"{name}='{value}': .*{advice}"):
            load_settings()
        monkeypatch.delenv(name)

"""Settings: the one place where paths and switches are read from the environment.

Every setting is an environment variable with the prefix ``PH_``. Paths are resolved to absolute
paths (relative ones against the current directory) and exported back into ``os.environ`` so that
dbt's ``env_var()`` sees exactly what Python sees, whatever directory dbt is started from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.errors import UsageError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
CONTRACTS_DIR = PROJECT_ROOT / "data_contracts"
REFERENCE_SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "reference"
BOUNDARIES_DIR = PROJECT_ROOT / "reports" / "boundaries"
# `pophealth demo-data` leaves this file in the landing folder: files landed beside it are recorded
# as synthetic in the batch ledger, and a board pack built from them says so on every page (a pack
# built from real deliveries never does).
SYNTHETIC_MARKER = "SYNTHETIC.txt"
# The engines that build the dbt project (docs/running-on-spark.md). DuckDB builds the warehouse
# file; Spark builds its own warehouse from a Parquet export of the raw layer and hands its
# published layer back as a DuckDB file, which the reports read the same way.
ENGINES = ("duckdb", "spark")
# DuckDB's resources (docs/scaling.md). A memory limit it spills past, to its temporary folder,
# instead of growing with the population until it meets its own default (80% of the machine): the
# full-ICS build needs far less than the 24 GB machine has, and 12 million people would otherwise
# take it all. Threads: DuckDB's own default, one per core.
DEFAULT_DUCKDB_MEMORY_LIMIT = "3GB"
DEFAULT_DUCKDB_THREADS = os.cpu_count() or 1
DEFAULT_DBT_THREADS = 2  # models dbt builds at once (each query uses DuckDB's threads)


def dbt_vars(project_dir: Path = DBT_PROJECT_DIR) -> dict:
    """The vars of dbt_project.yml: the one home of thresholds and code lists that Python needs too."""
    return yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]


def _path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default.resolve()


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise UsageError(f"{name}={os.environ[name]!r}: use 1 or 0")


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if not value >= 0:
        raise UsageError(f"{name}={os.environ[name]!r}: use a number of seconds (0 or more)")
    return value


def _memory(name: str, default: str) -> str:
    raw = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", raw, re.IGNORECASE):
        raise UsageError(f"{name}={raw!r}: use an amount such as 3GB or 1500MB")
    return raw


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{name}={raw!r}: use a whole number, 1 or more")
    return int(raw)


def _engine() -> str:
    engine = os.environ.get("PH_ENGINE", "").strip().lower() or "duckdb"
    if engine not in ENGINES:
        raise UsageError(f"PH_ENGINE={os.environ['PH_ENGINE']!r}: use one of {', '.join(ENGINES)}")
    return engine


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    duckdb_path: Path
    landing_dir: Path
    quarantine_dir: Path
    reports_dir: Path
    dbt_target: str
    # the board pack's two PDFs (Chromium prints the board pack and the annex: about 20 s); on unless
    # turned off
    board_pack_pdf: bool = True
    # how long a run waits for another run to release the warehouse (docs/operating.md); 0: refuse
    lock_wait_seconds: float = 0.0
    # which engine builds the dbt project (ENGINES); the Spark settings are used by the spark one
    engine: str = "duckdb"
    spark_dir: Path | None = None          # Spark's warehouse, metastore, raw export; default data_dir/spark
    spark_master: str = "local[2]"
    spark_driver_memory: str = "4g"
    spark_target: str = "spark"            # the profiles.yml output used for --engine spark
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    duckdb_threads: int = DEFAULT_DUCKDB_THREADS
    duckdb_temp_dir: Path | None = None    # where DuckDB spills; default beside the warehouse
    dbt_threads: int = DEFAULT_DBT_THREADS

    @property
    def duckdb_spill_dir(self) -> Path:
        """DuckDB's own default (``<database>.tmp``) for the live warehouse, made explicit: a
        build works on a copy in a folder of its own, and spills here all the same."""
        return self.duckdb_temp_dir or self.duckdb_path.with_name(self.duckdb_path.name + ".tmp")

    @property
    def duckdb_config(self) -> dict[str, str]:
        """The settings every DuckDB connection of the pipeline opens with (dbt's through
        profiles.yml, Python's through pipelines/warehouse/connection.py)."""
        return {"memory_limit": self.duckdb_memory_limit, "threads": str(self.duckdb_threads),
                "temp_directory": str(self.duckdb_spill_dir)}

    @property
    def spark_root(self) -> Path:
        return self.spark_dir or self.data_dir / "spark"

    @property
    def target(self) -> str:
        """The dbt target of the engine in use."""
        return self.spark_target if self.engine == "spark" else self.dbt_target

    @property
    def published_path(self) -> Path:
        """The DuckDB file the reports read the published layer from: the warehouse itself, or,
        built on Spark, the copy of Spark's published tables (pipelines/warehouse/spark.py)."""
        if self.engine == "spark":  # named as the warehouse: a file named "published" would be a
            return self.spark_root / "published" / "warehouse.duckdb"  # catalog named as the schema
        return self.duckdb_path

    @property
    def dbt_artifacts_dir(self) -> Path:
        """dbt's target/ and logs/ live beside the warehouse they describe."""
        return self.spark_root / "dbt" if self.engine == "spark" else self.data_dir / "dbt"

    def export(self) -> None:
        """Write the resolved values back to the environment (read by dbt's profiles.yml)."""
        os.environ.update(
            {
                "PH_DATA_DIR": str(self.data_dir),
                "PH_DUCKDB_PATH": str(self.duckdb_path),
                "PH_LANDING_DIR": str(self.landing_dir),
                "PH_QUARANTINE_DIR": str(self.quarantine_dir),
                "PH_REPORTS_DIR": str(self.reports_dir),
                "PH_TARGET": self.dbt_target,
                "PH_ENGINE": self.engine,
                "PH_SPARK_DIR": str(self.spark_root),
                "PH_SPARK_MASTER": self.spark_master,
                "PH_SPARK_DRIVER_MEMORY": self.spark_driver_memory,
                **self.resource_environment(),
                "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            }
        )

    def resource_environment(self) -> dict[str, str]:
        """DuckDB's and dbt's resources as the environment variables profiles.yml reads."""
        return {"PH_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
                "PH_DUCKDB_THREADS": str(self.duckdb_threads),
                "PH_DUCKDB_TEMP_DIR": str(self.duckdb_spill_dir),
                "PH_DBT_THREADS": str(self.dbt_threads)}

    def ensure_dirs(self) -> None:
        """The folders the pipeline writes. Not the landing folder: deliveries (or `pophealth
        demo-data`) create it, and a missing one is reported, not silently made empty."""
        for path in (self.data_dir, self.quarantine_dir, self.reports_dir):
            path.mkdir(parents=True, exist_ok=True)
        self.duckdb_path.parent.mkdir(parents=True, exist_ok=True)


def load_settings() -> Settings:
    """Read PH_* variables, apply defaults relative to the current directory, export them."""
    cwd = Path.cwd()
    data_dir = _path("PH_DATA_DIR", cwd / "data")
    settings = Settings(
        data_dir=data_dir,
        duckdb_path=_path("PH_DUCKDB_PATH", data_dir / "warehouse.duckdb"),
        landing_dir=_path("PH_LANDING_DIR", data_dir / "landing"),
        quarantine_dir=_path("PH_QUARANTINE_DIR", data_dir / "quarantine"),
        reports_dir=_path("PH_REPORTS_DIR", cwd / "reports" / "output"),
        dbt_target=os.environ.get("PH_TARGET", "dev"),
        board_pack_pdf=_flag("PH_BOARD_PACK_PDF", True),
        lock_wait_seconds=_seconds("PH_LOCK_WAIT_SECONDS", 0.0),
        engine=_engine(),
        spark_dir=_path("PH_SPARK_DIR", data_dir / "spark"),
        spark_master=os.environ.get("PH_SPARK_MASTER") or "local[2]",
        spark_driver_memory=os.environ.get("PH_SPARK_DRIVER_MEMORY") or "4g",
        spark_target=os.environ.get("PH_SPARK_TARGET") or "spark",
        **resources_from_environment(),
    )
    settings.export()
    return settings


def resources_from_environment() -> dict:
    """DuckDB's and dbt's resources (PH_DUCKDB_MEMORY_LIMIT, PH_DUCKDB_THREADS, PH_DUCKDB_TEMP_DIR,
    PH_DBT_THREADS) as Settings fields, for settings made in code too (the benchmarks). The spill
    folder only when it is set: otherwise the one beside the warehouse (Settings.duckdb_spill_dir)."""
    spill = os.environ.get("PH_DUCKDB_TEMP_DIR", "").strip()
    return {"duckdb_memory_limit": _memory("PH_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT),
            "duckdb_threads": _count("PH_DUCKDB_THREADS", DEFAULT_DUCKDB_THREADS),
            "duckdb_temp_dir": Path(spill).expanduser().resolve() if spill else None,
            "dbt_threads": _count("PH_DBT_THREADS", DEFAULT_DBT_THREADS)}

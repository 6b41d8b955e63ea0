"""Settings: the one place where paths and switches are read from the environment.

Every setting is an environment variable with the prefix ``PH_``. Paths are resolved to absolute
paths (relative ones against the current directory) and exported back into ``os.environ`` so that
dbt's ``env_var()`` sees exactly what Python sees, whatever directory dbt is started from.
"""

from __future__ import annotations

import os
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

    @property
    def dbt_artifacts_dir(self) -> Path:
        """dbt's target/ and logs/ live beside the warehouse they describe."""
        return self.data_dir / "dbt"

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
                "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            }
        )

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
    )
    settings.export()
    return settings

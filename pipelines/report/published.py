"""Everything the board pack shows, read from the warehouse's ``published`` schema only (figures after
disclosure control) plus the indicator and series registry from dbt's manifest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from pipelines.config import Settings
from pipelines.disclosure import load_policy
from pipelines.report.registry import indicator_registry, series_registry
from pipelines.warehouse.connection import connect

# the disclosure policy the pack quotes (dbt_project.yml vars.disclosure: never retyped here)
POLICY = load_policy()

TABLES = ("indicator_values", "inequality_summary", "monthly_activity", "data_quality",
          "source_batches", "lsoa_deprivation")


@dataclass(frozen=True)
class Published:
    indicators: dict[str, dict]  # id → meta.indicator (the registry)
    series: dict[str, dict]  # monthly series id → its meta
    values: pd.DataFrame
    inequality: pd.DataFrame
    monthly: pd.DataFrame
    data_quality: pd.DataFrame
    source_batches: pd.DataFrame
    lsoa_deprivation: pd.DataFrame
    refreshed_at: datetime

    @property
    def latest_period(self) -> str:
        return str(self.values["period"].max())

    @property
    def data_period(self) -> str:
        if self.values.empty:
            return "no data"
        return (f"{self.values['period_start'].min():%d %B %Y} to "
                f"{self.values['period_end'].max():%d %B %Y}")

    def indicator_values(self, indicator_id: str) -> pd.DataFrame:
        return self.values[self.values["indicator_id"] == indicator_id]


def read_published(settings: Settings) -> Published:
    manifest = settings.dbt_artifacts_dir / "target" / "manifest.json"
    with connect(settings.duckdb_path, read_only=True) as con:
        # in a fixed order: a table's stored order follows the build's parallelism, and lists in
        # the text ("A, B and C are above") would otherwise change between identical builds
        frames = {name: con.execute(f"select * from published.{name} order by all").df()
                  for name in TABLES}
    return Published(
        indicators=indicator_registry(manifest),
        series=series_registry(manifest),
        values=frames["indicator_values"],
        inequality=frames["inequality_summary"],
        monthly=frames["monthly_activity"],
        data_quality=frames["data_quality"],
        source_batches=frames["source_batches"],
        lsoa_deprivation=frames["lsoa_deprivation"],
        refreshed_at=datetime.now(),
    )

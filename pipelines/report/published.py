"""Everything the board pack shows, read from the warehouse's ``published`` schema only (figures after
disclosure control) plus the indicator and series registry from dbt's manifest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from pipelines.config import DBT_PROJECT_DIR, Settings, dbt_vars
from pipelines.disclosure import load_policy
from pipelines.errors import UsageError
from pipelines.report.registry import indicator_registry, series_registry
from pipelines.warehouse.connection import connect, table_exists

# the disclosure policy the pack quotes (dbt_project.yml vars.disclosure: never retyped here)
POLICY = load_policy()

UK_TIME = ZoneInfo("Europe/London")
# How a period is labelled wherever the pack shows it, by the published flag that marks it:
# provisional (deaths in it may still be registered: docs/methods.md#provisional-periods) and
# incomplete (its look-back starts before the data do, so it undercounts:
# docs/methods.md#incomplete-look-back).
PROVISIONAL = " (provisional)"
INCOMPLETE = " (incomplete)"
PERIOD_LABELS = {"is_provisional": PROVISIONAL, "is_lookback_incomplete": INCOMPLETE}
TABLES = ("indicator_values", "inequality_summary", "monthly_activity", "data_quality",
          "source_batches", "lsoa_deprivation", "england_benchmarks")


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
    england: pd.DataFrame  # England's published value per indicator and period (the benchmark)
    built_at: datetime  # when dbt built the published layer, UK time

    @property
    def data_period(self) -> str:
        if self.values.empty:
            return "no data"
        return (f"{self.values['period_start'].min():%d %B %Y} to "
                f"{self.values['period_end'].max():%d %B %Y}")

    def indicator_values(self, indicator_id: str) -> pd.DataFrame:
        return self.values[self.values["indicator_id"] == indicator_id]


def label_periods(values: pd.DataFrame,
                  inequality: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rename each provisional or incomplete period (PERIOD_LABELS) to say so, in the values and in
    their inequality summaries, so that every chart, table and sentence of the pack shows it; the
    order of periods is unchanged. (A hand-made published layer without a flag has none.)"""
    labels: dict[tuple[str, str], str] = {}
    for flag, suffix in PERIOD_LABELS.items():
        marked = flagged(values, flag)
        # a period's flag is the same on each of its rows (areas, breakdowns): one label each
        for key in set(zip(values["indicator_id"][marked], values["period"][marked], strict=True)):
            labels[key] = labels.get(key, "") + suffix

    def relabel(frame: pd.DataFrame) -> pd.DataFrame:
        suffix = [labels.get((i, p), "") for i, p in zip(frame["indicator_id"], frame["period"],
                                                         strict=True)]
        return frame.assign(period=frame["period"] + pd.Series(suffix, index=frame.index, dtype=str))

    return relabel(values), relabel(inequality)


def flagged(frame: pd.DataFrame, flag: str) -> pd.Series:
    """A published flag of each row as booleans (False where the layer has no such column)."""
    if flag not in frame:
        return pd.Series(False, index=frame.index)
    return frame[flag].fillna(False).astype(bool)


def lookback_incomplete(frame: pd.DataFrame) -> pd.Series:
    """Each row's period undercounts: its look-back starts before the data do (published
    is_lookback_incomplete; docs/methods.md#incomplete-look-back)."""
    return flagged(frame, "is_lookback_incomplete")


def lookback_days(meta: dict) -> int:
    """The days an indicator's numerator looks back (its meta.lookback names the dbt var)."""
    return int(dbt_vars(DBT_PROJECT_DIR)[meta["lookback"]["days_var"]])


def bare_period(label: str) -> str:
    """A period's name without the labels label_periods adds (as other tables name it)."""
    for suffix in reversed(PERIOD_LABELS.values()):
        label = label.removesuffix(suffix)
    return label


def read_published(settings: Settings) -> Published:
    manifest = settings.dbt_artifacts_dir / "target" / "manifest.json"
    engine = "" if settings.engine == "duckdb" else f" --engine {settings.engine}"
    unbuilt = UsageError(f"the warehouse {settings.published_path} has no published layer yet: "
                         f"build it with `pophealth build{engine}` (or `pophealth refresh{engine}`)")
    if not settings.published_path.is_file() or not manifest.is_file():
        raise unbuilt
    with connect(settings.published_path, read_only=True, config=settings.duckdb_config) as con:
        if not table_exists(con, "published", "build_info"):
            raise unbuilt
        built_at_utc = con.execute("select built_at_utc from published.build_info").fetchall()[0][0]
        # in a fixed order: a table's stored order follows the build's parallelism, and lists in
        # the text ("A, B and C are above") would otherwise change between identical builds
        frames = {name: con.execute(f"select * from published.{name} order by all").df()
                  for name in TABLES}
    values, inequality = label_periods(frames["indicator_values"], frames["inequality_summary"])
    return Published(
        indicators=indicator_registry(manifest),
        series=series_registry(manifest),
        values=values,
        inequality=inequality,
        monthly=frames["monthly_activity"],
        data_quality=frames["data_quality"],
        source_batches=frames["source_batches"],
        lsoa_deprivation=frames["lsoa_deprivation"],
        england=frames["england_benchmarks"],
        built_at=built_at_utc.replace(tzinfo=UTC).astimezone(UK_TIME),
    )

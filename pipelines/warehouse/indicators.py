"""The indicator models, read from their YAML files before dbt parses the project.

An indicator is one folder entry: ``dbt_project/models/marts/indicators/<theme>/ind_*.sql`` and,
beside it, ``ind_*.yml`` with its description, its ``meta.indicator`` block and its unit tests.
dbt's ``graph`` is empty while dbt parses, and a ``ref`` not seen at parse time fails at run time,
so the union models cannot find the indicators themselves: ``run_dbt`` reads them here and passes
them in as the var ``indicators``. The docs catalogue (``docs/indicators.md``) is written from the
same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

INDICATORS_DIR = Path("models") / "marts" / "indicators"
# What the union models, the engine macro and fct_indicator_periods need of each indicator (the
# rest stays in meta)
ENGINE_FIELDS = ("id", "value_type", "multiplier", "breakdowns", "period_type", "sources")
# ... and those it needs only when set (independent_events: false - a person can have several;
# deaths_by: registration_date - deaths counted by when they were registered, not when they happened;
# lookback: {days_var, source} - the numerator looks back that many days over that source)
OPTIONAL_ENGINE_FIELDS = ("independent_events", "deaths_by", "lookback")
# Each meta.indicator.period_type (seed ref_reporting_periods, docs/methods.md#time-periods) in
# words: for the catalogue, and as the board pack's axis title.
PERIOD_TYPES = {
    "financial_year": {"words": "financial year (1 April - 31 March)", "axis": "Financial year"},
    "academic_year": {"words": "NCMP school year (1 September - 31 August)", "axis": "School year"},
    "calendar_years_pooled_3": {"words": "three calendar years pooled (deaths registered in them)",
                                "axis": "Calendar years (three pooled)"},
}


@dataclass(frozen=True)
class IndicatorModel:
    name: str
    description: str
    meta: dict  # meta.indicator
    yaml_path: Path
    verify: tuple[str, ...] = ()  # meta.verify: open questions about the definition

    @property
    def theme(self) -> str:
        return self.yaml_path.parent.name


def indicator_models(project_dir: Path) -> list[IndicatorModel]:
    """Every model with a meta.indicator block in a YAML file under models/marts/indicators/."""
    found: dict[str, IndicatorModel] = {}
    for path in sorted((project_dir / INDICATORS_DIR).rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            indicator = ((model.get("config") or {}).get("meta") or {}).get("indicator")
            if not indicator:
                continue
            if model["name"] in found:
                raise ValueError(f"{model['name']} is described twice: {path} and "
                                 f"{found[model['name']].yaml_path}")
            found[model["name"]] = IndicatorModel(
                model["name"], model.get("description", ""), indicator, path,
                tuple(model["config"]["meta"].get("verify") or ()))
    ids = [m.meta["id"] for m in found.values()]
    if len(ids) != len(set(ids)):
        raise ValueError(f"indicator ids used twice: {sorted({i for i in ids if ids.count(i) > 1})}")
    return sorted(found.values(), key=lambda m: m.name)


def indicator_vars(project_dir: Path) -> dict:
    """The var ``indicators``: model name -> the engine fields of its meta.indicator."""
    return {"indicators": {m.name: {k: m.meta[k] for k in ENGINE_FIELDS}
                           | {k: m.meta[k] for k in OPTIONAL_ENGINE_FIELDS if k in m.meta}
                           for m in indicator_models(project_dir)}}

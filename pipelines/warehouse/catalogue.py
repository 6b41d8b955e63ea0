"""docs/indicators.md, the indicator catalogue, written from each indicator's YAML.

``make run`` and ``make test`` run ``python -m pipelines.warehouse.catalogue`` first, so adding an
indicator stays two files; a test fails while the file differs from what this writes. Each entry
has an anchor named after the indicator id in lower case (``docs/indicators.md#a3-03``), which
comments in the project point to.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pipelines.config import DBT_PROJECT_DIR, PROJECT_ROOT
from pipelines.warehouse.indicators import PERIOD_TYPES, IndicatorModel, indicator_models

CATALOGUE = PROJECT_ROOT / "docs" / "indicators.md"

HEADER = """# Indicator catalogue

Generated from the YAML beside each indicator model (`dbt_project/models/marts/indicators/<theme>/`)
by `python -m pipelines.warehouse.catalogue`: edit the YAML, not this file. How values, confidence
limits, periods and breakdowns are computed for every indicator: [methods](methods.md).
"""


def anchor(indicator_id: str) -> str:
    return indicator_id.lower()


def _entry(model: IndicatorModel, project_dir: Path) -> list[str]:
    meta = model.meta
    sql = model.yaml_path.with_suffix(".sql").relative_to(project_dir.parent).as_posix()
    value = f"{meta['value_type']} × {meta['multiplier']:g} ({meta['unit']})"
    lines = [
        f'<a id="{anchor(meta["id"])}"></a>',
        f"### {meta['id']} {meta['title']}",
        "",
        " ".join(model.description.split()),
        "",
        f"- **Numerator:** {meta['numerator']}",
        f"- **Denominator:** {meta['denominator']}",
        f"- **Value:** {value}, {meta['polarity'].replace('_', ' ')}; "
        f"[how it is computed](methods.md#value-types)"
        + ("; repeat events per person: [limits for non-independent events]"
           "(methods.md#non-independent-events)" if meta.get("independent_events") is False else ""),
        f"- **Period:** {PERIOD_TYPES[meta['period_type']]['words']} "
        f"([time periods](methods.md#time-periods)); **breakdowns:** "
        f"{', '.join(meta['breakdowns'])}; **areas:** {', '.join(meta.get('area_types', []))}",
        f"- **Sources:** {', '.join(meta['sources'])}",
    ]
    if meta.get("mirrors"):
        lines.append(f"- **Mirrors:** {meta['mirrors']}")
    departures = meta.get("departures") or []
    if departures:  # every deliberate difference from the national indicator it mirrors
        lines.append("- **Departs from it in:**")
        lines += [f"  - {item}" for item in departures]
    if meta.get("target"):
        lines.append(f"- **Target:** {meta['target']['value']} ({meta['target']['source']})")
    lines.append(f"- **Model:** `{sql}`")
    verify = model.verify
    if verify:
        lines.append("- **To verify:**")
        lines += [f"  - {item}" for item in verify]
    return [*lines, ""]


def render(project_dir: Path = DBT_PROJECT_DIR) -> str:
    models = sorted(indicator_models(project_dir), key=lambda m: m.meta["id"])
    by_theme: dict[str, list[IndicatorModel]] = defaultdict(list)
    for model in models:
        by_theme[model.theme].append(model)
    lines = [HEADER, "| Id | Indicator | Theme | Value |", "|---|---|---|---|"]
    lines += [f"| [{m.meta['id']}](#{anchor(m.meta['id'])}) | {m.meta['title']} | {m.theme} | "
              f"{m.meta['value_type']} |" for m in models]
    for theme in sorted(by_theme):
        lines += ["", f"## {theme.replace('_', ' ').capitalize()}", ""]
        for model in by_theme[theme]:
            lines += _entry(model, project_dir)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    CATALOGUE.write_text(render())
    print(f"wrote {CATALOGUE}")

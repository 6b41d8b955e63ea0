"""Write the ICP board pack: self-contained offline HTML built only from the ``published`` schema.

plotly.js is embedded once per page (no CDN, no web fonts), so a page opens from a file share or
an intranet with no network. Narrative sentences only claim a change when the 95% confidence
intervals do not overlap.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipelines.config import Settings
from pipelines.report import figures
from pipelines.report.registry import indicator_registry
from pipelines.warehouse.connection import connect

PAGE_CSS = """
body { font-family: Frutiger, Arial, Helvetica, sans-serif; color: #212B32; margin: 0;
       background: #F0F4F5; }
header { background: #005EB8; color: white; padding: 16px 32px; }
header h1 { margin: 0; font-size: 24px; }
header p { margin: 4px 0 0; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 32px; }
section { background: white; padding: 16px 24px; margin: 16px 0; border-top: 4px solid #005EB8; }
.meta, .caveats { font-size: 14px; color: #425563; }
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
th, td { border-bottom: 1px solid #D8DDE0; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
a { color: #005EB8; } a:focus { outline: 3px solid #FFEB3B; background: #FFEB3B; color: #212B32; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; }
@media print { body { background: white; } section { page-break-inside: avoid; } }
"""


AREA_ORDER = {"ics": 0, "place": 1, "local_authority": 2}
AREA_LABELS = {"ics": "ICS", "place": "Place", "local_authority": "Local authority"}


def _read_published(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    with connect(settings.duckdb_path, read_only=True) as con:
        values = con.execute("select * from published.indicator_values").df()
        batches = con.execute(
            "select source, count(*) as batches, sum(rows_loaded) as rows_loaded, "
            "sum(rows_flagged) as rows_flagged, max(file_name) as latest_file "
            "from ops.ingest_batches where status = 'loaded' group by source order by source"
        ).df()
    return values, batches


def _fmt(value: float | None, unit: str) -> str:
    return "*" if value is None or pd.isna(value) else f"{value:.1f}{unit}"


def describe_change(first: pd.Series, last: pd.Series, unit: str) -> str:
    """A sentence comparing two periods that claims a change only when the 95% CIs do not overlap."""
    if pd.isna(first["value"]) or pd.isna(last["value"]):
        return "Values are suppressed for small numbers in one of the periods compared."
    a, b = f"{first['value']:.1f}{unit}", f"{last['value']:.1f}{unit}"
    if last["lower_ci95"] > first["upper_ci95"]:
        return f"rose from {a} in {first['period']} to {b} in {last['period']}"
    if last["upper_ci95"] < first["lower_ci95"]:
        return f"fell from {a} in {first['period']} to {b} in {last['period']}"
    return (f"was {b} in {last['period']} and {a} in {first['period']}; the difference is within "
            "the 95% confidence intervals")


def describe_gap(most: pd.Series, least: pd.Series, unit: str) -> str:
    """Most vs least deprived fifth, claiming a difference only when the 95% CIs do not overlap."""
    if pd.isna(most["value"]) or pd.isna(least["value"]):
        return "values suppressed for small numbers"
    a, b = f"{most['value']:.1f}{unit}", f"{least['value']:.1f}{unit}"
    if most["lower_ci95"] > least["upper_ci95"]:
        return f"higher in the most deprived fifth ({a}) than in the least deprived ({b})"
    if most["upper_ci95"] < least["lower_ci95"]:
        return f"lower in the most deprived fifth ({a}) than in the least deprived ({b})"
    return f"most deprived fifth {a}, least deprived {b}: no clear difference (95% CIs overlap)"


# How each value type's 95% interval is computed (dbt_project/macros/statistics/).
INTERVAL_METHODS = {"proportion": "Wilson", "crude_rate": "exact Poisson (under 10) or Byar",
                    "ratio": "exact Poisson (under 10) or Byar", "dsr": "Dobson"}


def _indicator_section(values: pd.DataFrame, meta: dict, source: str, first_chart: bool) -> str:
    unit = meta["unit"]
    mine = values[values["indicator_id"] == meta["id"]]
    overall = mine[mine["breakdown"] == "all"]
    ics = overall[overall["area_type"] == "ics"].sort_values("period")
    places = overall[overall["area_type"] == "place"]
    quintiles = mine[(mine["area_type"] == "ics") & (mine["breakdown"] == "imd_quintile")]
    ics_sentence = describe_change(ics.iloc[0], ics.iloc[-1], unit) if len(ics) > 1 else ""

    trend = figures.trend_by_area(
        places, meta, f"{meta['short_title']} by ICS place: across the ICS it {ics_sentence}",
        source)
    latest = ics["period"].max()
    q = quintiles[quintiles["period"] == latest].set_index("breakdown_value")
    if {"1", "5"} <= set(q.index):
        quintile_title = (f"{meta['short_title']} by deprivation, {latest}: "
                          + describe_gap(q.loc["1"], q.loc["5"], unit))
    else:
        quintile_title = f"{meta['short_title']} by deprivation quintile (IMD 2019)"
    bars = figures.by_quintile(quintiles, meta, quintile_title, source)

    latest_rows = overall[overall["period"] == latest].assign(
        order=lambda d: d["area_type"].map(AREA_ORDER)).sort_values(["order", "area_name"])
    table_rows = "".join(
        f"<tr><td>{html.escape(r.area_name)}</td><td>{AREA_LABELS[r.area_type]}</td>"
        f"<td>{_count(r.numerator)}</td>"
        f"<td>{_count(r.denominator)}</td><td>{_fmt(r.value, unit)}</td>"
        f"<td>{_fmt(r.lower_ci95, unit)} – {_fmt(r.upper_ci95, unit)}</td></tr>"
        for r in latest_rows.itertuples())
    charts = (trend.to_html(full_html=False, include_plotlyjs=first_chart, config={"displaylogo": False})
              + bars.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False}))
    return f"""
<section id="{meta['id']}" aria-labelledby="{meta['id']}-title">
  <h2 id="{meta['id']}-title">{meta['id']} {html.escape(meta['title'])}</h2>
  <p class="meta">Aim {meta['aim']} · {html.escape(meta['numerator'])} ÷
     {html.escape(meta['denominator'])} · {meta['value_type']} ({unit}) with 95%
     {INTERVAL_METHODS[meta['value_type']]} intervals
     · {'lower' if meta['polarity'] == 'lower_is_better' else 'higher'} is better</p>
  {charts}
  <h3>Latest period ({latest})</h3>
  <table><caption class="meta">Text equivalent of the charts for {latest}. Counts rounded to the
  nearest 5; * = suppressed (small numbers).</caption>
  <thead><tr><th scope="col">Area</th><th scope="col">Type</th><th scope="col">Numerator</th>
  <th scope="col">Denominator</th><th scope="col">Value</th><th scope="col">95% CI</th></tr></thead>
  <tbody>{table_rows}</tbody></table>
</section>"""


def _count(value) -> str:
    return "*" if value is None or pd.isna(value) else f"{int(value):,}"


def write_board_pack(settings: Settings) -> list[Path]:
    registry = indicator_registry(settings.dbt_artifacts_dir / "target" / "manifest.json")
    values, batches = _read_published(settings)
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    period = (f"{values['period_start'].min():%d %B %Y} to {values['period_end'].max():%d %B %Y}"
              if len(values) else "no data")
    source_line = "Source: ICS linked extracts (" + ", ".join(batches["source"]) + \
        "), published schema after disclosure control."
    sections = [
        _indicator_section(values, meta, source_line, first_chart=(i == 0))
        for i, meta in enumerate(m for m in registry.values()
                                 if m["id"] in set(values["indicator_id"]))
    ]
    batch_rows = "".join(
        f"<tr><td>{html.escape(r.source)}</td><td>{r.batches}</td><td>{int(r.rows_loaded):,}</td>"
        f"<td>{int(r.rows_flagged):,}</td><td>{html.escape(r.latest_file)}</td></tr>"
        for r in batches.itertuples())
    page = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ICP board pack — Nottingham and Nottinghamshire ICS</title>
<style>{PAGE_CSS}</style></head>
<body><a class="skip" href="#content">Skip to content</a>
<header><h1>Integrated Care Partnership board pack</h1>
<p>Nottingham and Nottinghamshire Integrated Care System · data period {period} ·
refreshed {datetime.now():%d %B %Y %H:%M}</p></header>
<main id="content">
<section aria-labelledby="about"><h2 id="about">About these figures</h2>
<p class="caveats">Figures come only from the published schema: any count of 1–7 is suppressed
(shown as *) together with the next smallest cell where it could be recovered by subtraction;
published counts are rounded to the nearest 5; values and intervals use unrounded counts.
The latest financial year can still grow as late death registrations arrive.
The demo runs on synthetic extracts, not patient data.</p>
<table><caption class="meta">Source batches loaded</caption><thead><tr><th scope="col">Source</th>
<th scope="col">Files</th><th scope="col">Rows</th><th scope="col">Rows flagged by data-quality
rules</th><th scope="col">Latest file</th></tr></thead><tbody>{batch_rows}</tbody></table>
</section>
{''.join(sections)}
</main></body></html>
"""
    index = settings.reports_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return [index]

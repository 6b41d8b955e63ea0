"""The blocks a board-pack page is made of: an indicator's section (trend, deprivation, inequality
trend, area comparison, optional map, latest-period table) and an overview tile."""

from __future__ import annotations

import pandas as pd

from pipelines.contracts.model import source_title
from pipelines.report import figures, maps, narrative
from pipelines.report.html import count, esc, figure, table
from pipelines.report.published import (
    INCOMPLETE,
    POLICY,
    PROVISIONAL,
    Published,
    lookback_days,
    lookback_incomplete,
)
from pipelines.statistics.inequality import WITHHELD_REASONS
from pipelines.warehouse.indicators import PERIOD_TYPES

AREA_ORDER = {"ics": 0, "place": 1, "local_authority": 2}
AREA_LABELS = {"ics": "ICS", "place": "Place", "local_authority": "Local authority"}
# How each value type's interval is computed (dbt_project/macros/statistics/).
INTERVAL_METHODS = {"proportion": "Wilson score", "crude_rate": "exact Poisson (under 10) or Byar",
                    "ratio": "exact Poisson (under 10) or Byar", "dsr": "Dobson"}


def source_line(meta: dict, period: str) -> str:
    provisional = (f" Periods marked{PROVISIONAL} are not final: deaths in them may still be "
                   "registered." if "civil_registration_deaths" in meta["sources"] else "")
    incomplete = (f" Periods marked{INCOMPLETE} undercount: some deaths' {lookback_days(meta)}-day "
                  "look-back starts before the data do." if meta.get("lookback") else "")
    names = ", ".join(source_title(s) for s in meta["sources"])
    return (f"Source: {names} (ICS linked extracts), {period}; published "
            f"figures after disclosure control ({POLICY.in_words()}).{provisional}{incomplete}")


def ics_series(pub: Published, indicator_id: str) -> pd.DataFrame:
    rows = pub.indicator_values(indicator_id)
    return rows[(rows["area_type"] == "ics") & (rows["breakdown"] == "all")].sort_values("period_end")


# Rolling pooled periods share years, so their values are not independent points of an XmR chart.
OVERLAPPING_PERIOD_TYPES = {"calendar_years_pooled_3"}


def indicator_section(pub: Published, meta: dict, with_map: bool = False) -> str:
    unit = meta["unit"]
    rows = pub.indicator_values(meta["id"])
    overall = rows[rows["breakdown"] == "all"]
    ics = ics_series(pub, meta["id"])
    # this indicator's own latest period: the period types differ between indicators
    latest = ics["period"].iloc[-1] if len(ics) else ""
    periods = f"{ics['period'].min()} to {ics['period'].max()}" if len(ics) else "no periods"
    source = source_line(meta, periods)
    blocks = []

    # from the first complete period: an incomplete one undercounts, so a change from it is not real
    complete = ics[~lookback_incomplete(ics)]
    change = (narrative.describe_change(complete.iloc[0], ics.iloc[-1], unit)
              if len(complete) > 1 else "has too few complete periods to compare")
    blocks.append(figure(
        figures.trend_by_area(overall[overall["area_type"].isin(["ics", "place"])], meta,
                              f"{meta['short_title']}: across the ICS it {change}", source),
        f"Line chart of {meta['short_title']} by {PERIOD_TYPES[meta['period_type']]['axis'].lower()} "
        "for the ICS and its places, with "
        "95% confidence intervals. The table below gives the latest values."))

    quintiles = rows[(rows["area_type"] == "ics") & (rows["breakdown"] == "imd_quintile")]
    if len(quintiles):
        q = quintiles[quintiles["period"] == latest].set_index("breakdown_value")
        gap = (narrative.describe_gap(q.loc["1"], q.loc["5"], unit) if {"1", "5"} <= set(q.index)
               else "by deprivation quintile")
        blocks.append(figure(
            figures.by_quintile(quintiles, meta, f"{meta['short_title']}, {latest}: {gap}", source),
            f"Bar chart of {meta['short_title']} by IMD 2019 quintile (1 = most deprived) for each "
            f"period, with 95% confidence intervals. {latest}: {gap}."))

    inequality = pub.inequality[(pub.inequality["indicator_id"] == meta["id"])
                                & (pub.inequality["area_type"] == "ics")].sort_values("period")
    # the gap's change, like the value's, from the first complete period
    from_complete = inequality[inequality["period"].isin(complete["period"])]
    if len(inequality) > 1 and inequality["sii"].notna().any():
        trend = (narrative.describe_sii_trend(from_complete.iloc[0], inequality.iloc[-1], unit)
                 if len(from_complete) > 1 else "the gap by period")
        blocks.append(figure(
            figures.sii_trend(inequality, meta, f"{meta['short_title']}: {trend}", source),
            f"Slope index of inequality of {meta['short_title']} by period with 95% intervals: {trend}."))
    elif len(inequality) > 1:  # no period has a gap to draw: say so, not an empty chart
        blocks.append(f'<p class="meta">The gap between the most and least deprived (slope index '
                      f"of inequality) could not be measured in any period of {esc(meta['short_title'])}"
                      ": the table below says why.</p>")
    if len(inequality) > 1:
        blocks.append(inequality_table(inequality, unit, meta["short_title"]))

    latest_areas = overall[(overall["period"] == latest) & (overall["area_type"] != "ics")]
    ics_latest = ics[ics["period"] == latest]["value"]
    ics_value = ics_latest.iloc[0] if len(ics_latest) else None
    if len(latest_areas):
        comparison = narrative.describe_vs_ics(latest_areas, ics_value, unit)
        blocks.append(figure(
            figures.area_comparison(latest_areas, ics_value, meta,
                                    f"{meta['short_title']} by place and local authority, "
                                    f"{latest}: {comparison}", source_line(meta, latest)),
            f"Dot chart of {meta['short_title']} in {latest} for each place and local authority with "
            f"95% and 99.8% limits against the ICS value: {comparison}."))
    if with_map:
        blocks.append(area_maps(latest_areas, meta, latest, ics_value))

    return f"""
<section id="{esc(meta['id'])}" aria-labelledby="{esc(meta['id'])}-title">
  <h2 id="{esc(meta['id'])}-title">{esc(meta['id'])} {esc(meta['title'])}</h2>
  <p class="meta">Aim {meta['aim']} · {esc(meta['numerator'])} ÷ {esc(meta['denominator'])} ·
  {esc(meta['value_type'])} ({esc(unit)}) with 95% {INTERVAL_METHODS[meta['value_type']]}
  intervals · {'lower' if meta['polarity'] == 'lower_is_better' else 'higher'} is better
  {'· ' + esc(meta['mirrors']) if meta.get('mirrors') else ''}</p>
  {''.join(blocks)}
  {latest_table(overall[overall['period'] == latest], meta, latest)}
</section>"""


MAP_LEVELS = {"place": "place", "local_authority": "local authority"}


def area_maps(latest_areas: pd.DataFrame, meta: dict, latest: str, ics_value: float | None) -> str:
    """Maps of the latest values by place and by local authority, each area coloured by its
    comparison with the ICS value (maps.compare_with_ics), named on the map and on hover."""
    unit, blocks = meta["unit"], []
    order = list(figures.COMPARISON_COLOURS)
    for level, label in MAP_LEVELS.items():
        rows = latest_areas[latest_areas["area_type"] == level]
        shades = maps.compare_with_ics(rows, ics_value, meta["polarity"])
        details = {row.area_code: f"{narrative.fmt(row.value, unit)} (95% CI "
                                  f"{narrative.fmt(row.lower_ci95)} to {narrative.fmt(row.upper_ci95)})"
                                  f"<br>Compared with the ICS: {shades[row.area_code]}"
                   for row in rows.itertuples() if row.area_code in shades}
        areas = maps.map_areas(level, shades, details)
        limits = f"value {narrative.fmt(ics_value, unit)}, {maps.MAP_LEVEL:.1%} limits"
        blocks.append(figure(
            figures.choropleth(areas, figures.COMPARISON_COLOURS,
                               f"{meta['short_title']} by {label}, {latest}, compared with the ICS: "
                               f"{maps.differences(areas, order, label)}", source_line(meta, latest),
                               f"Compared with the ICS<br>({limits})", labelled=True),
            f"Map of {meta['short_title']} by {label} in {latest}, each area coloured by its "
            f"comparison with the ICS ({limits}). {maps.in_words(areas, order)}. "
            "The values are in the table below."))
    return "".join(blocks)


def inequality_table(rows: pd.DataFrame, unit: str, subject: str = "") -> str:
    """The inequality measures by year; `subject` (the indicator's short title) starts the caption,
    which also names the table's scroll box: a page holds one such table per indicator, and a
    screen reader's list of tables or regions must tell them apart."""
    def signed_interval(a, b):
        return f"{narrative.fmt(a, signed=True)} to {narrative.fmt(b, signed=True)}"

    return table({
        "Period": rows["period"].tolist(),
        "Gap Q1 − Q5": [narrative.fmt(v, narrative.gap_unit(unit), signed=True)
                        for v in rows["gap_q1_q5"]],
        "Ratio Q1 / Q5": [narrative.fmt(v, "", 2) for v in rows["ratio_q1_q5"]],
        "SII": [narrative.fmt(v, narrative.gap_unit(unit), signed=True) for v in rows["sii"]],
        "SII 95% interval": [signed_interval(a, b) for a, b in
                             zip(rows["sii_lower_ci95"], rows["sii_upper_ci95"], strict=True)],
        "RII": [narrative.fmt(v, "", 2) for v in rows["rii"]],
        "RII 95% interval": [f"{narrative.fmt(a, '', 2)} to {narrative.fmt(b, '', 2)}" for a, b in
                             zip(rows["rii_lower_ci95"], rows["rii_upper_ci95"], strict=True)],
        "SII withheld because": [withheld_reason(r) for r in rows.to_dict("records")],
        "Core20 share of numerator": [_percent(v) for v in rows["core20_share"]],
        "Core20 share of denominator": [_percent(v) for v in rows["core20_population_share"]],
    }, f"{subject + ': i' if subject else 'I'}nequality measures for the ICS by year, all comparing "
       "the most deprived with the least "
       "deprived: gap and ratio of quintiles 1 and 5; SII, the slope index of inequality (modelled "
       "most deprived end minus least deprived end) and RII, the relative index (their ratio). A "
       "positive gap or SII, or a ratio or RII above 1, means higher in more deprived areas. "
       "* = withheld")


def withheld_reason(row: dict) -> str:
    """Why a row's SII is not shown, in words (published with it: sii_withheld, suppression)."""
    if pd.notna(row.get("suppression")):
        return "small numbers in a quintile"
    reason = row.get("sii_withheld")
    return WITHHELD_REASONS[reason] if pd.notna(reason) else ""


def _percent(share) -> str:
    return narrative.fmt(share * 100 if pd.notna(share) else share, "%")


def latest_table(rows: pd.DataFrame, meta: dict, latest: str) -> str:
    rows = rows.assign(order=rows["area_type"].map(AREA_ORDER)).sort_values(["order", "area_name"])
    unit = meta["unit"]
    columns = {
        "Area": rows["area_name"].tolist(), "Type": rows["area_type"].map(AREA_LABELS).tolist(),
        "Numerator": [count(v) for v in rows["numerator"]],
        "Denominator": [count(v) for v in rows["denominator"]],
        "Value": [narrative.fmt(v, unit) for v in rows["value"]],
        "95% CI": [f"{narrative.fmt(a)} to {narrative.fmt(b)}"
                   for a, b in zip(rows["lower_ci95"], rows["upper_ci95"], strict=True)],
        "99.8% CI": [f"{narrative.fmt(a)} to {narrative.fmt(b)}"
                     for a, b in zip(rows["lower_ci998"], rows["upper_ci998"], strict=True)],
    }
    # the indicator named first: a page has one such table per indicator (see inequality_table)
    return table(columns, f"{meta['short_title']}, latest period ({latest}): text equivalent of the charts. "
                          f"{POLICY.in_words().capitalize()}.", text_columns=2)

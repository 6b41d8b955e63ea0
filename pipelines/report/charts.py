"""The charts a page shows besides its indicators' sections, each chosen by metadata or page config,
never by an id in code: a monthly series' XmR chart (every meta.series, on its related indicator's
page), its yearly totals by place (a series whose meta has `by_place`), and the deprivation map
(a page whose config lists `deprivation_map`)."""

from __future__ import annotations

import pandas as pd

from pipelines.report import figures, maps, narrative
from pipelines.report.html import count, esc, figure, table
from pipelines.report.published import POLICY, Published, lookback_incomplete
from pipelines.report.sections import source_line
from pipelines.report.spc_series import (
    PROVISIONAL_POINT,
    UNDERCOUNTED_POINT,
    MonthlySPC,
    ics_monthly_spc,
    runs,
)
from pipelines.statistics.spc import TRIAL_LIMITS_BELOW


def series_charts(pub: Published, series: dict) -> str:
    return (by_place_section(pub, series) if series.get("by_place") else "") + spc_section(pub, series)


# what a series' `by_place` block says: the words of its chart and the place code it follows
BY_PLACE_KEYS = {"subject", "chart_title", "counted", "counted_in_place", "periods", "focus_place"}


def by_place_section(pub: Published, series: dict) -> str:
    """A monthly series' yearly totals by place, read from the indicator count its months add up
    to (meta `sums_to`), with the change in the place the strategy quotes (`by_place.focus_place`,
    a place code)."""
    spec, total = series["by_place"], series["sums_to"]
    meta = pub.indicators[total["indicator"]]
    rows = pub.indicator_values(meta["id"])
    rows = rows[(rows["breakdown"] == "all") & (rows["area_type"] == "place")]
    if rows.empty:
        return ""
    rows = rows.assign(numerator=rows[total["count"]])
    focus = rows[rows["area_code"] == spec["focus_place"]].sort_values("period")
    subject = spec["subject"]
    finding = f"{subject} by place"
    complete = focus[~lookback_incomplete(focus)]  # an incomplete year undercounts
    if len(complete) > 1:
        first, last = complete.iloc[0], focus.iloc[-1]
        change = narrative.describe_count_change(first["numerator"], last["numerator"],
                                                 first["period"], last["period"])
        finding = f"in {last['area_name']} {spec['counted_in_place']} {change}"
    fig = figures.counts_by_area(rows, f"{series['unit'].capitalize()} (rounded to {POLICY.round_to})",
                                 f"{spec['chart_title']}: {finding}",
                                 source_line(meta, spec["periods"]))
    heading = subject[0].upper() + subject[1:]
    return (f"<section><h2>{esc(heading)}, by place</h2>"
            + figure(fig, f"Line chart of {spec['counted']}, by place and year: {finding}.")
            + table(_by_place_and_year(rows), f"{heading} by place and year ({POLICY.in_words()})")
            + "</section>")


def _by_place_and_year(rows: pd.DataFrame) -> dict[str, list]:
    grid = rows.pivot_table(index="area_name", columns="period", values="numerator",
                            aggfunc="first", dropna=False)
    return {"Place": grid.index.tolist(),
            **{period: [count(v) for v in grid[period]] for period in grid.columns}}


def spc_section(pub: Published, meta: dict) -> str:
    """An XmR chart of a monthly series for the ICS, with the MDC rules applied (spc_series: the
    same chart the overview's icons come from)."""
    monthly = ics_monthly_spc(pub, meta)
    if monthly is None:
        return ""
    chart, months = monthly.chart, list(monthly.months)
    finding = narrative.describe_spc(chart, list(monthly.settled_months), meta["unit"])
    source = (f"Source: ICS linked extracts, {months[0]} to {months[-1]}, {meta['period_note']}; "
              f"counts rounded to {POLICY.round_to} after disclosure control. XmR limits: mean ± "
              "2.66 × mean moving range.")
    kinds = monthly.point_kinds
    signal = {**{k: style[2] for k, style in figures.SIGNAL_STYLE.items()},
              PROVISIONAL_POINT: figures.PROVISIONAL_STYLE[2],
              UNDERCOUNTED_POINT: figures.UNDERCOUNTED_STYLE[2]}
    return (f'<section id="{esc(meta["id"])}"><h2>{esc(meta["title"])}: monthly, whole ICS</h2>'
            f'<p class="meta">Statistical process control (XmR) chart with the Making Data Count '
            f"rules; related indicator {esc(meta['related_indicator'])}.{_spc_notes(monthly)}</p>"
            + figure(figures.spc_chart(monthly, meta, f"{meta['short_title']}, {finding}", source),
                     f"SPC chart of {meta['title']} by month. {finding}.")
            + table({"Month": months[-12:],
                     "Count": [count(v) for v in monthly.values[-12:]],
                     "Signal": [signal[k] for k in kinds[-12:]]},
                    f"{meta['short_title']}, last 12 months (mean {chart.mean[-1]:.0f}, process "
                    f"limits {chart.lpl[-1]:.0f} "
                    f"to {chart.upl[-1]:.0f})") + "</section>")


def _spc_notes(monthly: MonthlySPC) -> str:
    """What the reader needs to read the chart: where it is re-based and why, which months are
    undercounted or provisional, and which limits are trial limits (NHSRplotthedots' short-group
    caption)."""
    notes = [f" Re-based at {change.month} ({change.reason}): new mean and limits from then on."
             for change in monthly.rebased_at]
    undercounted = [m for m, k in zip(monthly.months, monthly.point_kinds, strict=True)
                    if k == UNDERCOUNTED_POINT]
    if undercounted:
        notes.append(f" Undercounted ({_span(undercounted)}, hollow diamonds): some deaths' look-back "
                     "starts before the data do, so these months are left out of the limits and "
                     "signals.")
    provisional = [m for m, p in zip(monthly.months, monthly.provisional, strict=True) if p]
    if provisional:
        notes.append(f" Provisional ({_span(provisional)}, hollow circles): counts may still rise, "
                     "so these months are left out of the limits and signals.")
    settled, groups = monthly.settled_months, monthly.chart.rebase_group
    for first, end in runs(groups):
        if monthly.chart.short_group_warning[first]:
            notes.append(f" Trial limits for {settled[first]} to {settled[end - 1]}: fewer than "
                         f"{TRIAL_LIMITS_BELOW} months, so they will change as months are added.")
    return esc("".join(notes))


def _span(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


def deprivation_map(pub: Published) -> str:
    """Where the Core20 live: IMD 2019 quintile of each LSOA (reference data, published)."""
    lsoas = pub.lsoa_deprivation
    names = {"1": "Q1 most deprived (Core20)", "5": "Q5 least deprived"}
    shading = {names.get(q, f"Q{q}"): figures.QUINTILE_COLOURS[q] for q in "12345"}
    quintile = dict(zip(lsoas["lsoa11cd"], lsoas["imd_quintile"], strict=True))
    shades = {code: list(shading)[int(q) - 1] for code, q in quintile.items()}
    areas = maps.map_areas("lsoa", shades, {code: f"IMD 2019 {shade}" for code, shade in shades.items()})
    core20 = sum(1 for q in quintile.values() if q == 1)
    finding = (f"{core20} of the ICS's {len(quintile)} neighbourhoods (LSOAs) are among the 20% "
               "most deprived in England")
    fig = figures.choropleth(areas, shading, f"Deprivation: {finding}",
                             "Source: English Indices of Deprivation 2019 (MHCLG, OGL v3.0); ONS "
                             "LSOA 2011 boundaries (OGL v3.0, contains OS data © Crown copyright).",
                             "IMD 2019 quintile (national fifths)")
    by_place = lsoas.assign(core20=lsoas["imd_quintile"] == 1).groupby("place_name").agg(
        LSOAs=("lsoa11cd", "size"), Core20=("core20", "sum")).reset_index()
    return ("<section><h2>Where the most deprived fifth live</h2>"
            + figure(fig, f"Map of IMD 2019 national quintile by LSOA, darker = more deprived: "
                     f"{finding}. The table below counts them by place.")
            + table(by_place.rename(columns={"place_name": "Place"}),
                    "LSOAs in the most deprived national fifth (Core20), by place") + "</section>")


# Charts of reference data that a page's config may list under `charts`.
PAGE_CHARTS = {"deprivation_map": deprivation_map}

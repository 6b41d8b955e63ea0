"""Plotly figures for the board pack. Every figure is built from published (disclosure-controlled) rows."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.contracts.model import source_title
from pipelines.report.colours import (
    ICS_LINE,
    ICS_TREND,
    MDC_COMMON_CAUSE,
    MDC_CONCERN,
    MDC_IMPROVEMENT,
    MDC_NEUTRAL,
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    WHITE,
    luminance,
)
from pipelines.report.maps import WITHHELD, MapArea, compare_with_ics
from pipelines.report.narrative import gap_unit
from pipelines.report.spc_series import PROVISIONAL_POINT, UNDERCOUNTED_POINT, MonthlySPC, runs
from pipelines.statistics.benchmark import BETTER, HIGHER, LOWER, NOT_COMPARED, SIMILAR, WORSE
from pipelines.warehouse.indicators import PERIOD_TYPES

# Okabe-Ito (distinguishable with the common colour-vision deficiencies), its orange and sky blue
# swapped for a darker amber and a purple: every line a mark of at least 3:1 on white.
CATEGORY_COLOURS = ["#0072B2", "#AD6800", "#009E73", "#CC79A7", "#6A3D9A", "#D55E00", "#000000"]
# IMD quintile 1 (most deprived) dark → 5 light, ordered in greyscale too; neighbours differ in hue
# as well as lightness (viridis: made for colour-vision deficiencies), and no quintile is grey like
# "Unknown".
QUINTILE_COLOURS = {"1": "#440154", "2": "#3B528B", "3": "#21918C", "4": "#5EC962", "5": "#FDE725",
                    "Unknown": NHS_PALE_GREY}
FONT = "Frutiger, Arial, Helvetica, sans-serif"


# Plotly never wraps a legend entry, a legend title or a note on the chart: one longer than a
# phone's chart (about 300 px) is cut off at its edge. Such labels are broken into lines of at most
# this many characters (about 260 px of 13 px Arial).
LABEL_CHARS = 36


def _wrap(text: str, width: int = LABEL_CHARS) -> str:
    """Break a long label into lines of at most `width` characters, at spaces (keeping the line
    breaks it has)."""
    lines = []
    for part in text.split("<br>"):
        line = ""
        for word in part.split():
            if line and len(line) + len(word) + 1 > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return "<br>".join(lines)


def withheld(rows: pd.DataFrame, *labels: str) -> list[str]:
    """The points of `rows` withheld by disclosure control, named by their label columns."""
    if "suppression" not in rows:
        return []
    hidden = rows[rows["suppression"].notna()].sort_values(list(labels))
    return [" ".join(str(getattr(r, c)) for c in labels) for r in hidden.itertuples()]


def _withheld_note(points: list[str], limit: int = 8) -> str:
    """Said under a chart, so that a missing point never reads as zero or as no data."""
    if not points:
        return ""
    shown = ", ".join(points[:limit]) + (f" and {len(points) - limit} more" if len(points) > limit else "")
    return f" Withheld to protect confidentiality (small numbers, not zero): {shown}."


# Room around a chart's plot area, in pixels: the axis titles and tick labels, and below the
# plot the legend (which wraps into more rows on a phone). The title and the source line are not
# drawn in the chart but written as HTML around it (html.figure), where they wrap at any width.
MARGIN = {"l": 60, "r": 20, "t": 40, "b": 130}
PLOT_HEIGHT = 250  # px, the plot area of an ordinary chart


def _layout(fig: go.Figure, title: str, y_title: str, source: str,
            x_title: str = "Financial year", plot_height: int = PLOT_HEIGHT,
            suppressed: list[str] | None = None) -> go.Figure:
    """House style; `title` (the finding) and `source` (with any withheld points) go in the
    layout's meta, for html.figure to write beside the chart."""
    fig.update_layout(
        meta={"title": title, "source": source + _withheld_note(suppressed or [])},
        font={"family": FONT, "color": NHS_DARK_GREY, "size": 13},
        yaxis={"title": y_title, "rangemode": "tozero", "gridcolor": NHS_PALE_GREY},
        xaxis={"title": x_title},
        plot_bgcolor=WHITE,
        paper_bgcolor=WHITE,
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        margin=MARGIN,
        height=plot_height + MARGIN["t"] + MARGIN["b"],
    )
    return fig


def value_axis_title(meta: dict) -> str:
    """A short axis title with the unit (a long one runs into the chart title)."""
    unit = meta["unit"]
    if unit == "%":
        return "Per cent (%)"
    return unit[0].upper() + unit[1:] if unit.startswith("%") else f"Rate {unit}"


def period_axis_title(meta: dict) -> str:
    return PERIOD_TYPES[meta["period_type"]]["axis"]


def _error_bars(rows: pd.DataFrame) -> dict:
    return {"type": "data", "symmetric": False, "array": rows["upper_ci95"] - rows["value"],
            "arrayminus": rows["value"] - rows["lower_ci95"], "thickness": 1.2, "width": 4}


def trend_by_area(rows: pd.DataFrame, meta: dict, title: str, source: str) -> go.Figure:
    """One line per area over periods, with 95% confidence intervals; withheld points are gaps,
    named under the chart. The ICS first, in the dark line the eye starts from (the places
    thinner, in their own colours)."""
    fig = go.Figure()
    areas = rows.assign(is_place=rows["area_type"] != "ics").groupby(["is_place", "area_name"])
    # each place its colour by its place in the alphabet, as in counts_by_area: the same colour for
    # the same place in every chart of a page
    places = sorted(rows.loc[rows["area_type"] != "ics", "area_name"].unique())
    for (is_place, area), part in areas:
        part = part.sort_values("period")
        emphasised = not is_place
        fig.add_trace(go.Scatter(
            x=part["period"], y=part["value"], name=_wrap(f"{area} (ICS)" if emphasised else area),
            mode="lines+markers",
            line={"color": ICS_TREND if emphasised
                  else CATEGORY_COLOURS[places.index(area) % len(CATEGORY_COLOURS)],
                  "width": 4 if emphasised else 1.5},
            marker={"size": 8 if emphasised else 5},
            error_y=_error_bars(part),
            hovertemplate=f"{area}<br>%{{x}}: %{{y:.1f}}{meta['unit']}<extra></extra>",
        ))
    return _layout(fig, title, value_axis_title(meta), source, x_title=period_axis_title(meta),
                   suppressed=withheld(rows, "area_name", "period"))


def by_quintile(rows: pd.DataFrame, meta: dict, title: str, source: str) -> go.Figure:
    """Grouped bars: each period's value for IMD quintiles 1 (most deprived) to 5, with 95% CIs."""
    fig = go.Figure()
    for quintile, part in rows.groupby("breakdown_value", sort=True):
        part = part.sort_values("period")
        label = {"1": "Q1 most deprived", "5": "Q5 least deprived"}.get(quintile, f"Q{quintile}")
        fig.add_trace(go.Bar(
            x=part["period"], y=part["value"], name=label if quintile != "Unknown" else "Unknown",
            marker={"color": QUINTILE_COLOURS.get(quintile, NHS_MID_GREY),
                    "line": {"color": NHS_DARK_GREY, "width": 0.5}},
            error_y=_error_bars(part),
            hovertemplate=f"{label}<br>%{{x}}: %{{y:.1f}}{meta['unit']}<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    return _layout(fig, title, value_axis_title(meta), source, x_title=period_axis_title(meta),
                   suppressed=[f"Q{p}" for p in withheld(rows, "breakdown_value", "period")])


# Making Data Count colours: special cause of improvement blue, of concern orange, common cause grey.
# Keys: the point types of pipelines.statistics.spc (NHSRplotthedots' names).
SIGNAL_STYLE = {"special_cause_improvement": (MDC_IMPROVEMENT, "circle", "Special cause: improvement"),
                "special_cause_concern": (MDC_CONCERN, "diamond", "Special cause: concern"),
                "special_cause_neutral_high": (MDC_NEUTRAL, "square", "Special cause: higher"),
                "special_cause_neutral_low": (MDC_NEUTRAL, "square", "Special cause: lower"),
                "common_cause": (MDC_COMMON_CAUSE, "circle", "Common cause")}


# a provisional month: hollow, so it reads as "not judged" in colour and in greyscale alike
PROVISIONAL_STYLE = (NHS_DARK_GREY, "circle-open", "Provisional month (not judged)")
# a month that undercounts (its look-back starts before the data): hollow too, another shape
UNDERCOUNTED_STYLE = (NHS_DARK_GREY, "diamond-open", "Undercounted month (not judged)")


def spc_chart(monthly: MonthlySPC, meta: dict, title: str, source: str) -> go.Figure:
    """XmR chart of a spc_series.MonthlySPC: the series, its mean and process limits per rebase
    group, special-cause points marked by colour and by marker shape (so the signal survives
    greyscale and colour-vision deficiency), provisional months hollow. The y-axis fits the data:
    forced to zero, a chart of counts around 1,000 flattens its variation into a line."""
    months, values, kinds = list(monthly.months), list(monthly.values), monthly.point_kinds
    fig = go.Figure()
    # meta="count": these traces carry published counts (found by the output's disclosure scan)
    fig.add_trace(go.Scatter(x=months, y=values, mode="lines", name=_wrap(meta["short_title"]),
                             line={"color": NHS_MID_GREY, "width": 1.5}, hoverinfo="skip",
                             meta="count"))
    styles = {**SIGNAL_STYLE, PROVISIONAL_POINT: PROVISIONAL_STYLE,
              UNDERCOUNTED_POINT: UNDERCOUNTED_STYLE}
    for kind, (colour, symbol, name) in styles.items():
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if idx:
            fig.add_trace(go.Scatter(
                x=[months[i] for i in idx], y=[values[i] for i in idx], mode="markers",
                name=name,
                marker={"color": colour, "symbol": symbol, "size": 8}, meta="count",
                hovertemplate=f"%{{x}}: %{{y:,.0f}} {meta['unit']}<extra></extra>"))
    # one line per rebase group, so that a group's limits are not joined to the next one's
    segments = runs(monthly.per_month("rebase_group"))
    for column, name, dash in (("mean", "Mean", "solid"), ("upl", "Upper process limit", "dash"),
                               ("lpl", "Lower process limit", "dash")):
        line = monthly.per_month(column)
        for n, (first, end) in enumerate(segments):
            fig.add_trace(go.Scatter(x=months[first:end], y=line[first:end], mode="lines",
                                     name=name, legendgroup=column, showlegend=n == 0,
                                     line={"color": NHS_DARK_GREY, "dash": dash, "width": 1},
                                     hoverinfo="skip"))
    fig = _layout(fig, title, f"Count ({meta['unit']})", source, x_title="Month")
    for change in monthly.rebased_at:
        # a shape and a note, not add_vline's annotation (which cannot place itself on month
        # labels)
        at = next(m for m in months if m >= change.month)
        fig.add_shape(type="line", x0=at, x1=at, yref="paper", y0=0, y1=1,
                      line={"color": NHS_DARK_GREY, "width": 1, "dash": "dot"})
        fig.add_annotation(x=at, yref="paper", y=1, text=_wrap(f"Re-based: {change.reason}"),
                           showarrow=False, xanchor="left", yanchor="bottom",
                           font={"color": NHS_DARK_GREY, "size": 11})
    fig.update_yaxes(rangemode="normal")
    return fig


def sii_trend(rows: pd.DataFrame, meta: dict, title: str, source: str) -> go.Figure:
    """Slope index of inequality by period with its simulated 95% interval: the modelled most
    deprived end minus the least deprived (above 0: higher in the more deprived); 0 = no gradient."""
    rows = rows.sort_values("period")
    fig = go.Figure(go.Scatter(
        x=rows["period"], y=rows["sii"], mode="lines+markers", name="Slope index of inequality",
        line={"color": NHS_BLUE, "width": 2},
        error_y={"type": "data", "symmetric": False, "array": rows["sii_upper_ci95"] - rows["sii"],
                 "arrayminus": rows["sii"] - rows["sii_lower_ci95"], "thickness": 1.2, "width": 4},
        hovertemplate=f"%{{x}}: SII %{{y:+.1f}} {gap_unit(meta['unit'])}<extra></extra>"))
    fig.add_hline(y=0, line={"color": NHS_DARK_GREY, "width": 1})
    fig = _layout(fig, title, f"SII, most minus least deprived ({gap_unit(meta['unit'])})", source,
                  x_title=period_axis_title(meta), suppressed=withheld(rows, "period"))
    fig.update_yaxes(rangemode="normal")
    return fig


def area_comparison(rows: pd.DataFrame, ics_value: float, meta: dict, title: str,
                    source: str) -> go.Figure:
    """Places and local authorities against the ICS: dots with 95% (thick) and 99.8% (thin) limits,
    highest at the top, each dot coloured by its comparison with the ICS (as the maps class them:
    maps.compare_with_ics), one legend entry per class."""
    rows = rows.sort_values(["value", "area_name"], ascending=[True, False], na_position="first")
    labels = [f"{r.area_name} ({'place' if r.area_type == 'place' else 'LA'})"
              for r in rows.itertuples()]
    compared = compare_with_ics(rows, ics_value, meta["polarity"]) if pd.notna(ics_value) else {}
    classes = [compared.get(code, NOT_COMPARED) for code in rows["area_code"]]
    fig = go.Figure()
    for shade in dict.fromkeys(classes):
        at = [i for i, c in enumerate(classes) if c == shade]
        part = rows.iloc[at]
        colour = DOT_COLOURS.get(shade, NHS_DARK_GREY)
        name = "Not compared" if shade == NOT_COMPARED else f"{shade} than the ICS" \
            if shade != SIMILAR else "Similar to the ICS"
        for level, width in (("998", 1), ("95", 4)):
            fig.add_trace(go.Scatter(
                x=part["value"], y=[labels[i] for i in at], mode="markers", name=name,
                legendgroup=shade, showlegend=level == "95",
                marker={"color": colour, "size": 10 if level == "95" else 1},
                error_x={"type": "data", "symmetric": False, "thickness": width, "width": 0,
                         "color": colour if level == "95" else NHS_DARK_GREY,
                         "array": part[f"upper_ci{level}"] - part["value"],
                         "arrayminus": part["value"] - part[f"lower_ci{level}"]},
                hovertemplate=f"%{{y}}: %{{x:.1f}} {meta['unit']}<extra></extra>"))
    fig.update_yaxes(categoryorder="array", categoryarray=labels)
    if pd.notna(ics_value):
        fig.add_vline(x=ics_value, line={"color": ICS_LINE, "dash": "dash", "width": 2},
                      annotation_text="ICS", annotation_position="top")
    fig = _layout(fig, title, "", source, x_title=_wrap(value_axis_title(meta), 24),
                  plot_height=max(28 * len(rows) - 70, 80), suppressed=withheld(rows, "area_name"))
    fig.update_yaxes(title=None, rangemode="normal")
    fig.update_xaxes(rangemode="tozero", gridcolor=NHS_PALE_GREY)
    return fig


def counts_by_area(rows: pd.DataFrame, y_title: str, title: str, source: str) -> go.Figure:
    """Published (rounded) counts per period, one line per area; withheld counts are gaps, named
    under the chart."""
    fig = go.Figure()
    for i, (area, part) in enumerate(rows.groupby("area_name", sort=True)):
        part = part.sort_values("period")
        fig.add_trace(go.Scatter(
            x=part["period"], y=part["numerator"], name=_wrap(area), mode="lines+markers", meta="count",
            line={"color": CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)], "width": 2},
            hovertemplate=f"{area}<br>%{{x}}: %{{y:,}}<extra></extra>"))
    return _layout(fig, title, y_title, source, suppressed=withheld(rows, "area_name", "period"))


# A map's classes against a benchmark (pipelines.statistics.benchmark's labels). Better and worse
# (and higher and lower) each at least 3:1 against "similar" and against the white page, told apart
# from each other by hue (blue / vermilion, Okabe-Ito: safe with colour-vision deficiencies).
# Higher and lower (no polarity) are both blues, a dark and a mid one, at least 3:1 apart.
COMPARISON_COLOURS = {BETTER: "#0072B2", HIGHER: "#002060", SIMILAR: NHS_PALE_GREY, WORSE: "#D55E00",
                      LOWER: "#1D7FC2"}
# A dot's colour by its comparison with the ICS: the map's, but a mid grey for "similar" (the map's
# pale fill would vanish as a small mark on white; the grey is over 3:1 against it).
DOT_COLOURS = {**COMPARISON_COLOURS, SIMILAR: NHS_MID_GREY}
# Classes with no colour of their own are drawn white and hatched, in the legend as on the map.
MAP_PATTERNS = {WITHHELD: "/", NOT_COMPARED: "."}
# Light fills are outlined dark (so that they stand out from the page), dark fills white (so that
# neighbours of one class stay apart): each outline at least 3:1 against its fill.
_LIGHT_OUTLINE, _DARK_OUTLINE = NHS_DARK_GREY, WHITE
# The map's plot area: as wide as the page's content column, as tall as the ICS's shape needs
# within these bounds (a taller shape leaves space at the sides; the whole figure, margins and all,
# still fits an A4 page).
MAP_WIDTH_PX, MAP_HEIGHT_PX = 1000, (420, 680)


def choropleth(areas: list[MapArea], shading: dict[str, str], title: str, source: str,
               legend_title: str, labelled: bool = False) -> go.Figure:
    """Areas filled by class: one filled trace per class (`shading`: class → colour, in legend
    order; MAP_PATTERNS' classes hatched), one invisible marker per area inside it that names it on
    hover (name, then its `detail`), and with `labelled` its name written on it (for a few areas, not
    hundreds). Plain scatter traces on equal-aspect axes in metres: no tiles or topojson to fetch,
    so it works offline; the figure follows the width of its container."""
    fig = go.Figure()
    for shade in [*shading, *MAP_PATTERNS]:
        members = [area for area in areas if area.shade == shade]
        if not members:
            continue
        colour = shading.get(shade, WHITE)
        fig.add_trace(go.Scatter(
            x=[x for area in members for x in area.outline[0]],
            y=[y for area in members for y in area.outline[1]],
            fill="toself", mode="lines", name=shade, fillcolor=colour, hoveron="fills",
            hoverinfo="name", fillpattern=_hatching(shade),
            line={"color": _LIGHT_OUTLINE if luminance(colour) > 0.4 else _DARK_OUTLINE,
                  "width": 0.8 if labelled else 0.3}))
    fig.add_trace(go.Scatter(
        # invisible: a hover label takes its colour from its trace, so it is set here
        x=[area.point[0] for area in areas], y=[area.point[1] for area in areas], mode="markers",
        hoverlabel={"bgcolor": WHITE, "bordercolor": NHS_DARK_GREY, "font": {"color": NHS_BLACK}},
        marker={"size": 12, "color": "rgba(0,0,0,0)"}, showlegend=False, name="Areas",
        hovertext=[f"<b>{area.name}</b><br>{area.detail}" for area in areas], hoverinfo="text"))
    xs = [x for area in areas for x in area.outline[0] if x is not None]
    ys = [y for area in areas for y in area.outline[1] if y is not None]
    aspect = (max(ys) - min(ys)) / ((max(xs) - min(xs)) or 1) if xs else 1
    low, high = MAP_HEIGHT_PX
    plot_height = round(min(max(MAP_WIDTH_PX * aspect, low), high))
    fig = _layout(fig, title, "", source, x_title="", plot_height=plot_height)
    fig.update_xaxes(visible=False, rangemode="normal")
    fig.update_yaxes(visible=False, rangemode="normal", scaleanchor="x", scaleratio=1)
    fig.update_layout(
        autosize=True, margin={"l": 10, "r": 10}, hovermode="closest",
        legend={"x": 0,  # at the foot of the figure, as _layout places it
                "title": {"text": _wrap(legend_title), "side": "top"}},
        annotations=[*fig.layout.annotations, *(
            {"x": area.point[0], "y": area.point[1], "xref": "x", "yref": "y", "text": area.name,
             "showarrow": False, "font": {"size": 12, "color": NHS_BLACK},
             "bgcolor": "rgba(255,255,255,0.85)", "borderpad": 2}
            for area in areas if labelled)])
    return fig


def _hatching(shade: str) -> dict | None:
    if shade not in MAP_PATTERNS:
        return None
    return {"shape": MAP_PATTERNS[shade], "fgcolor": NHS_DARK_GREY, "bgcolor": WHITE,
            "size": 8, "solidity": 0.3}


def quality_by_month(rows: pd.DataFrame, title: str, source: str) -> go.Figure:
    """Completeness of key fields (share) by month, one line per source."""
    fig = go.Figure()
    for i, (source_id, part) in enumerate(rows.groupby("source", sort=True)):
        # named as people say it; colours still assigned in source-id order, as before
        part, name = part.sort_values("month"), source_title(source_id)
        fig.add_trace(go.Scatter(
            x=part["month"], y=part["completeness"] * 100, name=_wrap(name), mode="lines",
            line={"color": CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)], "width": 1.5,
                  "dash": ["solid", "dot", "dash"][i // len(CATEGORY_COLOURS) % 3]},
            hovertemplate=f"{name}<br>%{{x|%b %Y}}: %{{y:.1f}}%<extra></extra>"))
    fig = _layout(fig, title, "Completeness of key fields (%)", source, x_title="Month of activity")
    fig.update_yaxes(rangemode="normal")
    return fig

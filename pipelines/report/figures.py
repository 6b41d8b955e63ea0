"""Plotly figures for the board pack. Every figure is built from published (disclosure-controlled) rows."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

NHS_BLUE, NHS_DARK_GREY, NHS_MID_GREY = "#005EB8", "#425563", "#768692"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
# IMD quintile 1 (most deprived) dark → 5 light; also ordered in greyscale.
QUINTILE_COLOURS = {"1": "#003087", "2": "#005EB8", "3": "#41B6E6", "4": "#7FC6E8", "5": "#AEB7BD",
                    "Unknown": "#E8EDEE"}
FONT = "Frutiger, Arial, Helvetica, sans-serif"


def _wrap(text: str, width: int = 95) -> str:
    """Break a long finding-as-title into lines (plotly titles do not wrap by themselves)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def _layout(fig: go.Figure, title: str, y_title: str, source: str) -> go.Figure:
    fig.update_layout(
        title={"text": _wrap(title), "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "color": NHS_DARK_GREY, "size": 13},
        yaxis={"title": y_title, "rangemode": "tozero", "gridcolor": "#E8EDEE"},
        xaxis={"title": "Financial year"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 60, "r": 20, "t": 80, "b": 110},
        height=440,
        annotations=[{"text": source, "xref": "paper", "yref": "paper", "x": 0, "y": -0.42,
                      "showarrow": False, "xanchor": "left", "font": {"size": 11,
                                                                       "color": NHS_MID_GREY}}],
    )
    return fig


def _error_bars(rows: pd.DataFrame) -> dict:
    return {"type": "data", "symmetric": False, "array": rows["upper_ci95"] - rows["value"],
            "arrayminus": rows["value"] - rows["lower_ci95"], "thickness": 1.2, "width": 4}


def trend_by_area(rows: pd.DataFrame, meta: dict, title: str, source: str) -> go.Figure:
    """One line per area over periods, with 95% confidence intervals; suppressed points are gaps."""
    fig = go.Figure()
    for i, (area, part) in enumerate(rows.groupby("area_name", sort=True)):
        part = part.sort_values("period")
        fig.add_trace(go.Scatter(
            x=part["period"], y=part["value"], name=area, mode="lines+markers",
            line={"color": CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)], "width": 2},
            error_y=_error_bars(part),
            hovertemplate=f"{area}<br>%{{x}}: %{{y:.1f}}{meta['unit']}<extra></extra>",
        ))
    return _layout(fig, title, f"{meta['short_title']} ({meta['unit']})", source)


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
    return _layout(fig, title, f"{meta['short_title']} ({meta['unit']})", source)

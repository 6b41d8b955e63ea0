"""Line charts as a hand-written SVG: panels side by side, one line with markers per series.

Written by hand because the project's charting (Plotly) needs kaleido to write an image file, which
is not installed; an SVG is text, opens in any browser and diffs in review.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Okabe-Ito: told apart by the common kinds of colour blindness; each series has a marker shape too
COLOURS = ("#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
MARKERS = ("circle", "square", "triangle", "diamond")
WIDTH, HEIGHT = 560, 420  # one panel
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 50, 110  # room for the axis labels and the legend
FONT = 'font-family="Arial, Helvetica, sans-serif"'


@dataclass
class Panel:
    title: str
    x_label: str
    y_label: str
    series: dict[str, list[tuple[float, float]]]  # name: (x, y) points
    x_ticks: list[tuple[float, str]]  # where and what to write
    limit: tuple[float, str] | None = None  # a dashed horizontal line and its label


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round steps (1, 2 or 5 × a power of ten) from 0 to at least ``top``."""
    raw = max(top, 1e-9) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    paint = f'fill="{colour}" stroke="white" stroke-width="1"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" {paint}/>'
    if kind == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" {paint}/>'
    corners = ((0, -6), (6, 4), (-6, 4)) if kind == "triangle" else ((0, -6), (6, 0), (0, 6), (-6, 0))
    points = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in corners)
    return f'<polygon points="{points}" {paint}/>'


def _panel(panel: Panel, left: float) -> list[str]:
    xs = [x for points in panel.series.values() for x, _ in points] + [t for t, _ in panel.x_ticks]
    ys = [y for points in panel.series.values() for _, y in points]
    y_ticks = nice_ticks(max(ys + [panel.limit[0] * 1.1 if panel.limit else 0]))
    x_max, y_top = max(xs) * 1.05, y_ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x0, y0 = left + LEFT, TOP + plot_h

    def at(x: float, y: float) -> tuple[float, float]:
        return x0 + x / x_max * plot_w, y0 - y / y_top * plot_h

    out = [f'<text x="{left + WIDTH / 2}" y="24" text-anchor="middle" font-size="17" '
           f'font-weight="bold" {FONT}>{escape(panel.title)}</text>']
    for tick in y_ticks:
        _, y = at(0, tick)
        out += [f'<line x1="{x0}" x2="{x0 + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>',
                f'<text x="{x0 - 8}" y="{y + 5:.1f}" text-anchor="end" font-size="13" {FONT}>'
                f'{tick:g}</text>']
    for tick, label in panel.x_ticks:
        x, _ = at(tick, 0)
        out += [f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0}" y2="{y0 + 5}" stroke="#333"/>',
                f'<text x="{x:.1f}" y="{y0 + 20}" text-anchor="middle" font-size="13" {FONT}>'
                f'{escape(label)}</text>']
    out += [f'<line class="axis" x1="{x0}" x2="{x0 + plot_w}" y1="{y0}" y2="{y0}" stroke="#333"/>',
            f'<line class="axis" x1="{x0}" x2="{x0}" y1="{TOP}" y2="{y0}" stroke="#333"/>',
            f'<text class="x-label" x="{x0 + plot_w / 2}" y="{y0 + 42}" text-anchor="middle" '
            f'font-size="14" {FONT}>{escape(panel.x_label)}</text>',
            f'<text class="y-label" x="{left + 18}" y="{TOP + plot_h / 2}" text-anchor="middle" '
            f'font-size="14" transform="rotate(-90 {left + 18} {TOP + plot_h / 2})" {FONT}>'
            f'{escape(panel.y_label)}</text>']
    if panel.limit:
        value, label = panel.limit
        _, y = at(0, value)
        out += [f'<line class="limit" x1="{x0}" x2="{x0 + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="#000" stroke-width="1.5" stroke-dasharray="8 5"/>',
                f'<text x="{x0 + plot_w - 4}" y="{y - 6:.1f}" text-anchor="end" font-size="13" '
                f'{FONT}>{escape(label)}</text>']
    for i, (name, points) in enumerate(panel.series.items()):
        colour, marker = COLOURS[i % len(COLOURS)], MARKERS[i % len(MARKERS)]
        placed = [at(x, y) for x, y in sorted(points)]
        out.append(f'<polyline class="series" data-series="{escape(name)}" fill="none" '
                   f'stroke="{colour}" stroke-width="2.5" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in placed) + '"/>')
        out += [_marker(marker, x, y, colour) for x, y in placed]
    return out


def _legend(names: list[str], width: float) -> list[str]:
    """One row under the panels: a marker and a name per series."""
    out, spacing = [], min(180, (width - 40) / max(len(names), 1))
    start = (width - spacing * len(names)) / 2
    for i, name in enumerate(names):
        x, colour = start + i * spacing, COLOURS[i % len(COLOURS)]
        out += [f'<line x1="{x:.1f}" x2="{x + 30:.1f}" y1="{HEIGHT - 22}" y2="{HEIGHT - 22}" '
                f'stroke="{colour}" stroke-width="2.5"/>',
                _marker(MARKERS[i % len(MARKERS)], x + 15, HEIGHT - 22, colour),
                f'<text x="{x + 38:.1f}" y="{HEIGHT - 17}" font-size="14" {FONT}>{escape(name)}</text>']
    return ['<g class="legend">', *out, '</g>']


def line_panels(panels: list[Panel], description: str) -> str:
    """The panels side by side, sharing a legend (every panel has the same series)."""
    width = WIDTH * len(panels)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
             f'viewBox="0 0 {width} {HEIGHT}" role="img">',
             f'<title>{escape(description)}</title>',
             f'<rect width="{width}" height="{HEIGHT}" fill="white"/>']
    for i, panel in enumerate(panels):
        parts += ['<g class="panel">', *_panel(panel, i * WIDTH), '</g>']
    parts += [*_legend(list(panels[0].series), width), '</svg>']
    return "\n".join(parts) + "\n"

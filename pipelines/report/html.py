"""The board pack's HTML: page shell (synthetic-data banner, navigation, header, trust panel),
figures with text equivalents, tables and the Making Data Count icons. NHS identity colours, Arial
(the NHS fallback for Frutiger, so no web font is fetched), readable on a laptop and printable."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from pipelines.report.colours import MDC_COMMON_CAUSE, MDC_CONCERN, MDC_IMPROVEMENT, MDC_NEUTRAL
from pipelines.report.layout import Page

PLOTLY_JS = "plotly.min.js"  # written once beside the pages
# The NHS.UK design system's stylesheet (assets/README.md), written once beside the pages without
# its web fonts and images; the pack's own CSS below comes after it and adapts it to the pack.
NHSUK_CSS_SOURCE = Path(__file__).with_name("assets") / "nhsuk-frontend-10.6.1.min.css"
NHSUK_CSS = "nhsuk-frontend.min.css"
MODEL_DOCS = "model-docs.html"  # `pophealth docs` (and every refresh) writes it beside the pages

# Every chart's plotly.js config. Nothing may leave the machine: no "Share chart" button (plotly.js
# 3 shows one by default, uploading the chart to Plotly's cloud; plotly.py then drops the cloud
# address from the page too), no logo linking to plotly.com. The toolbar keeps only "download as
# PNG" and "reset views", and UNTAB_TOOLBAR takes its buttons out of the tab order: a keyboard user
# tabs through the page's content, not through two buttons per chart (the data are in the table
# beside each chart).
PLOTLY_CONFIG = {"responsive": True, "displaylogo": False, "showSendToCloud": False,
                 "modeBarButtons": [["toImage", "resetViews"]]}
# Run after each chart is drawn ({plot_id} is its div); plotly.js redraws the toolbar after a
# relayout, hence again after every redraw.
UNTAB_TOOLBAR = """var gd = document.getElementById('{plot_id}');
function untab() { gd.querySelectorAll('.modebar-btn').forEach(function (b) { b.tabIndex = -1; }); }
untab(); gd.on('plotly_afterplot', untab);"""

# Charts are drawn as they come near the screen, not all at load: an aim page holds 60 charts, and
# drawing them all kept a board member waiting seconds for a page that shows two at a time. Each
# chart's figure stays in the page, in a function registered with PH.chart (figure() below) and
# called when its div (which already has the chart's height, so nothing jumps) nears the viewport.
# Printing draws every chart first (beforeprint), and a page marked data-draw-all (the print pages
# that Chromium turns into the PDFs, pdf.py) draws them all as soon as the page is parsed.
CHART_JS = """var PH = (function () {
  var pending = {};
  function draw(id) { var f = pending[id]; if (f) { delete pending[id]; f(); } }
  function drawAll() { Object.keys(pending).forEach(draw); }
  function start() {
    if (document.documentElement.hasAttribute('data-draw-all') || !('IntersectionObserver' in window)) {
      drawAll(); return;
    }
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { near.unobserve(e.target); draw(e.target.id); }
      });
    }, {rootMargin: '600px 0px'});
    Object.keys(pending).forEach(function (id) { near.observe(document.getElementById(id)); });
  }
  document.addEventListener('DOMContentLoaded', start);  /* after the deferred plotly.js ran */
  window.addEventListener('beforeprint', drawAll);
  return {chart: function (id, f) { pending[id] = f; }, drawAll: drawAll};
})();"""
CHART_CALL = "PH.chart("  # in a page's body when, and only when, it has a chart
CHART_ID_PLACEHOLDER = "ph-chart-id"  # figure(): replaced by the chart's digest
CSS = """
body { font-family: Frutiger, Arial, Helvetica, sans-serif; color: #212B32; margin: 0;
       background: #F0F4F5; line-height: 1.45; }
header { background: #005EB8; color: white; padding: 16px 32px; }
header h1 { margin: 0; font-size: 26px; } header p { margin: 4px 0 0; }
nav { background: #003087; padding: 0 32px; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; }
nav a { display: block; color: white; padding: 10px 12px; text-decoration: none; font-size: 15px; }
nav a[aria-current="page"] { background: #005EB8; font-weight: bold; }
nav a:hover { text-decoration: underline; }
main { max-width: 1150px; margin: 0 auto; padding: 16px 32px; }
section { background: white; padding: 16px 24px; margin: 16px 0; border-top: 4px solid #005EB8; }
h2 { font-size: 22px; } h3 { font-size: 18px; }
figure { margin: 16px 0; } figcaption { font-size: 14px; color: #425563; }
/* a chart's title (its finding) and source line, written as text around the plotly SVG */
.chart-title { font-weight: bold; font-size: 16px; margin: 0 0 4px; }
.chart-source { font-size: 12px; color: #425563; margin: 4px 0; }
.meta, .caveats, .trust { font-size: 14px; color: #425563; }
.trust { background: #E8EDEE; padding: 12px 24px; margin: 16px 0; }
/* (the NHS.UK stylesheet's tables are 100% + 4px wide on -2px margins, last cells 2px from the
   edge: inside a scroll box that clips the last column, so the pack's tables fit their box) */
table { border-collapse: collapse; font-size: 14px; margin: 8px 0; width: auto; max-width: 100%; }
th:last-child, td:last-child { padding-right: 10px; }
th, td { border-bottom: 1px solid #D8DDE0; padding: 4px 10px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, .text { text-align: left; }
caption { text-align: left; }
a { color: #005EB8; }
a:focus, button:focus { outline: 3px solid #FFEB3B; background: #FFEB3B; color: #212B32; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; z-index: 9; }
.icons { display: flex; gap: 8px; align-items: center; font-size: 12px; }
.suppressed { color: #768692; }
.attention-list { list-style: none; padding: 0; }
.attention { border-left: 6px solid #ED8B00; padding: 4px 14px; margin: 10px 0; }
.attention h3 { margin: 4px 0; } .attention p { margin: 4px 0; }
.table-scroll { overflow-x: auto; position: relative; }
.table-scroll:focus-visible { outline: 3px solid #212B32; outline-offset: 2px; }
table.status td, table.status th { text-align: left; }
@media print { .table-scroll { overflow: visible; } }
tr.flagged th { border-left: 4px solid #ED8B00; }
.spark polyline { fill: none; stroke: #005EB8; stroke-width: 1.5; } .spark circle { fill: #005EB8; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
                   clip: rect(0 0 0 0); white-space: nowrap; }
.synthetic { background: #FFB81C; color: #212B32; padding: 10px 32px; font-size: 16px;
             border-bottom: 4px solid #212B32; }
/* a phone (390 px): less padding, and a word longer than the line (an id, an address) breaks
   rather than widening the page; a wide table scrolls inside its own box (.table-scroll) */
body { overflow-wrap: break-word; }
@media (max-width: 600px) {
  header, nav, .synthetic { padding-left: 12px; padding-right: 12px; }
  main { padding: 8px 8px; } section { padding: 12px 12px; } .trust { padding: 12px; }
  header h1 { font-size: 22px; } }
/* A4 with "Page N of M" at the foot of every sheet (a page-margin box: Chromium prints it with
   --print-to-pdf, where a header/footer template is not available) */
@page { size: A4; margin: 14mm 12mm 16mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, sans-serif;
                   color: #425563; } }
@media print { body { background: white; font-size: 11pt; }
  nav, .skip, .modebar-container { display: none; }
  section, figure, tr { break-inside: avoid; } main { max-width: none; padding: 0; }
  h1, h2, h3, caption, .chart-title { break-after: avoid; } /* a heading stays with its chart or table */
  .chapter { break-before: page; } .contents ol { font-size: 13pt; line-height: 1.8; }
  /* the synthetic banner on every printed page: Chromium repeats a fixed element on each page,
     and the body's top padding, cloned onto every page's fragment, keeps it off the text */
  .synthetic { position: fixed; top: 0; left: 0; right: 0; font-size: 10pt; padding: 2mm 4mm; }
  body:has(> .synthetic) { padding-top: 18mm; -webkit-box-decoration-break: clone;
                           box-decoration-break: clone; }
  /* status tables across the whole sheet, in a smaller type; each cell's "why" is said once
     under "How to read the tables", so a row stays a line or two */
  table.status { width: 100%; font-size: 8.5pt; } table.status .meta { font-size: inherit; }
  table.status .reason { display: none; }
  /* the NHS.UK stylesheet prints each link's address after it ("(Link: #page-aim-1)") and keeps
     a whole table on one sheet: neither suits a PDF whose links are its contents */
  a::after { content: none !important; } table { page-break-inside: auto; break-inside: auto; } }
"""


def nhsuk_stylesheet() -> str:
    """The NHS.UK frontend's stylesheet as the pack serves it: no @font-face (Frutiger would be
    fetched from assets.nhs.uk; Arial is the NHS fallback) and no url() images (icons of
    components the pack does not use), so that a page asks for nothing outside its folder."""
    css = re.sub(r"@font-face\{[^}]*\}", "", NHSUK_CSS_SOURCE.read_text(encoding="utf-8"))
    return re.sub(r"url\([^)]*\)", "none", css)


def esc(text) -> str:
    return html.escape(str(text))


def page(current: Page, pages: Sequence[Page], subtitle: str, body: str, trust: str,
         banner: str = "", draw_all: bool = False) -> str:
    """A whole page: `pages` (the layout's, in order) make the navigation, `current` marked;
    `banner` (the synthetic-data notice, if any) comes first, above the header. plotly.js (4.8 MB)
    is loaded only by a page with charts; `draw_all` draws them all at load, not as they scroll
    into view (for the print pages)."""
    current_mark = ' aria-current="page"'
    links = "".join(
        f'<li><a href="{p.file}"{current_mark if p == current else ""}>{esc(p.title)}</a></li>'
        for p in pages)
    # deferred: the page is read and laid out while plotly.js is parsed; CHART_JS starts drawing
    # at DOMContentLoaded, which waits for it
    scripts = (f'<script src="{PLOTLY_JS}" defer></script><script>{CHART_JS}</script>'
               if CHART_CALL in body else "")

    return f"""<!DOCTYPE html>
<html lang="en-GB"{" data-draw-all" if draw_all else ""}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(current.title)} - ICP board pack - Nottingham and Nottinghamshire ICS</title>
<link rel="stylesheet" href="{NHSUK_CSS}">
<style>{CSS}</style>
{scripts}</head>
<body><a class="skip nhsuk-skip-link" href="#content">Skip to content</a>
{banner}
<header><h1>{esc(current.title)}</h1><p>{esc(subtitle)}</p></header>
<nav aria-label="Board pack pages"><ul>{links}</ul></nav>
<main id="content">
{trust}
{body}
</main></body></html>
"""


def figure(fig: go.Figure, caption: str) -> str:
    """A chart with its text equivalent: the caption states the finding and points to the table.
    plotly.py's markup (a div of the chart's height, then a script drawing it), with the script's
    drawing handed to PH.chart (CHART_JS) to run when the chart nears the screen. The div's id is
    a short digest of the figure with its title, source and caption, not plotly.py's random UUID:
    the same chart gets the same id in every build, and no page carries a UUID a reader could take
    for a run or batch id. (The figure alone is not enough: two charts of withheld values can be
    drawn from the same data, and ids must differ for each to be drawn.)
    The chart's title and source line (which figures.py keeps in its layout meta) are HTML text
    around it, not drawn in the SVG: they wrap at any width (a phone's too), and screen readers and
    axe's contrast check see them like the rest of the page."""
    title, source = chart_words(fig)
    # serialised once: the markup under a placeholder id, the id then a digest of that markup
    chart = go.Figure(fig).update_layout(meta=None).to_html(
        full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, post_script=UNTAB_TOOLBAR,
        div_id=CHART_ID_PLACEHOLDER)
    spec = "\n".join((title, source, caption, chart))
    chart_id = "chart-" + hashlib.sha1(spec.encode()).hexdigest()[:10]
    chart = chart.replace(CHART_ID_PLACEHOLDER, chart_id)
    chart = re.sub(r"<script([^>]*)>(.*)</script>",
                   lambda m: f'<script{m[1]}>{CHART_CALL}"{chart_id}", function () {{{m[2]}}});</script>',
                   chart, count=1, flags=re.S)
    return (f'<figure role="group" aria-label="{esc(caption)}">'
            f'<p class="chart-title">{esc(title)}</p>{chart}'
            f'<p class="chart-source">{esc(source)}</p>'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def chart_words(fig: go.Figure) -> tuple[str, str]:
    """The title and source line figures.py keeps in a figure's layout meta."""
    words = fig.layout.meta or {}
    return words.get("title", ""), words.get("source", "")


class Count(str):
    """A published count of people or events as displayed ('*' when suppressed): rendered with
    class="count" so the disclosure scan of the output can find every one."""


def count(value) -> Count:
    return Count("*" if value is None or pd.isna(value) else f"{int(value):,}")


def _cell(value, text: bool) -> str:
    classes = [name for name, on in (("text", text), ("count", isinstance(value, Count))) if on]
    return f'<td class="{" ".join(classes)}">{esc(value)}</td>' if classes else f"<td>{esc(value)}</td>"


def table(columns: dict[str, list] | pd.DataFrame, caption: str, text_columns: int = 1) -> str:
    """A plain accessible table; the first `text_columns` columns are left-aligned text. Pass
    columns holding `Count`s as a dict of lists: a DataFrame turns them into plain strings."""
    if isinstance(columns, pd.DataFrame):
        columns = {name: columns[name].tolist() for name in columns.columns}
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    rows = "".join(
        "<tr>" + "".join(_cell(v, i < text_columns) for i, v in enumerate(row)) + "</tr>"
        for row in zip(*columns.values(), strict=True))
    # in a scroll box of its own: a wide table scrolls sideways inside it on a phone, not the page;
    # a keyboard user can scroll it too (focusable, named by its caption: axe's
    # scrollable-region-focusable)
    return (f'<div class="table-scroll" role="region" tabindex="0" aria-label="{esc(caption)}">'
            f'<table><caption class="meta">{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


# Making Data Count icons, drawn inline (letters as well as colour, for colour-vision deficiency).
_VARIATION = {
    "common_cause": (MDC_COMMON_CAUSE, "~", "Common cause variation"),
    "improvement_high": (MDC_IMPROVEMENT, "H", "Special cause variation: improvement (higher)"),
    "improvement_low": (MDC_IMPROVEMENT, "L", "Special cause variation: improvement (lower)"),
    "concern_high": (MDC_CONCERN, "H", "Special cause variation: concern (higher)"),
    "concern_low": (MDC_CONCERN, "L", "Special cause variation: concern (lower)"),
    "neutral_high": (MDC_NEUTRAL, "H", "Special cause variation: higher (no better direction)"),
    "neutral_low": (MDC_NEUTRAL, "L", "Special cause variation: lower (no better direction)"),
}
_ASSURANCE = {
    "pass": (MDC_IMPROVEMENT, "P", "Assurance: consistently passing the target"),
    "fail": (MDC_CONCERN, "F", "Assurance: consistently failing the target"),
    "inconsistent": (MDC_COMMON_CAUSE, "?", "Assurance: hit and miss against the target"),
}


def _icon(colour: str, letter: str, label: str) -> str:
    return (f'<span class="icons"><svg width="30" height="30" viewBox="0 0 30 30" role="img" '
            f'aria-label="{esc(label)}"><circle cx="15" cy="15" r="13" fill="white" '
            f'stroke="{colour}" stroke-width="3"/><text x="15" y="20" text-anchor="middle" '
            f'font-size="14" font-weight="bold" fill="{colour}">{esc(letter)}</text></svg>'
            f"{esc(label)}</span>")


def variation_icon(kind: str) -> str:
    return _icon(*_VARIATION[kind])


def assurance_icon(kind: str | None) -> str:
    if kind is None:
        return '<span class="icons">No target set: no assurance icon</span>'
    return _icon(*_ASSURANCE[kind])

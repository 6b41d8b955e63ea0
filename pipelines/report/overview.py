"""The overview page's body: first what needs the board's attention (each item with a question to
ask), then per aim a table in the Making Data Count integrated-report style - latest value, England,
trend, inequality-gap trend, variation and assurance icons where the series is long enough, the
projection to 2026/27 and a sparkline. Every row links to the indicator's section. No plotly chart:
the sparklines are inline SVG, so the page loads at once."""

from __future__ import annotations

from pipelines.report import narrative
from pipelines.report.html import assurance_icon, esc, variation_icon
from pipelines.report.layout import Layout
from pipelines.report.published import Published
from pipelines.report.status import END_LABEL, Status, indicator_status, published_indicators
from pipelines.statistics.benchmark import LEVELS, NOT_COMPARED
from pipelines.statistics.spc import MIN_POINTS_FOR_ICONS
from pipelines.statistics.trend import (
    CANNOT_BE_CALCULATED,
    GAP_CANNOT_BE_CALCULATED,
    NO_SIGNIFICANT_CHANGE,
    RECENT_POINTS,
)

SPARK_WIDTH, SPARK_HEIGHT = 96, 24
COLUMNS = ("Indicator", "Latest (ICS)", "England", f"Trend (last {RECENT_POINTS} periods)",
           "Gap between most and least deprived", "Variation and assurance",
           f"Projection to {END_LABEL}", "Over time")


def overview_body(pub: Published, layout: Layout, with_tables: bool = True) -> str:
    """The overview: what needs the board's attention, how to read the tables, then one table per
    aim (`with_tables`; the board PDF prints its tables one per page instead: printed.py)."""
    statuses = [indicator_status(pub, m) for m in published_indicators(pub)]
    href = {s.meta["id"]: indicator_href(layout, s.meta) for s in statuses}
    aims = "".join(_aim_table(page, [s for s in statuses if s.meta["aim"] == page.aim], href)
                   for page in layout.of_kind("aim")) if with_tables else ""
    return _attention_section(statuses, href) + _how_to_read() + aims


def indicator_href(layout: Layout, meta: dict) -> str:
    """Where an indicator's section is: its page, at its id."""
    return f"{layout.home(meta).file}#{meta['id']}"


def _attention_section(statuses: list[Status], href: dict[str, str]) -> str:
    items = "".join(
        f'<li class="attention"><h3><a href="{href[s.meta["id"]]}">{esc(s.meta["id"])} '
        f'{esc(s.meta["title"])}</a>: {esc(item.heading.lower())}</h3>'
        f"<p>{esc(item.what)}</p><p class=\"meta\">Where: {esc(item.where)}. Since: {esc(item.since)}.</p>"
        f'<p class="question"><strong>Question to ask:</strong> {esc(s.question(item))}</p></li>'
        for s in sorted(statuses, key=lambda s: (s.meta["aim"], s.meta["id"])) for item in s.attention)
    body = (f'<ul class="attention-list">{items}</ul>' if items else
            "<p>Nothing: no unusual monthly figures, widening gap, missed target or worsening "
            "trend.</p>")
    return ('<section aria-labelledby="attention"><h2 id="attention">What needs the board\'s '
            "attention</h2><p>Indicators with unusual monthly figures, a significantly widening gap "
            "between the most and least deprived, a missed target or a significantly worsening "
            "trend. Everything else is in the tables below.</p>" + body + "</section>")


def _how_to_read() -> str:
    return f"""<section aria-labelledby="how"><h2 id="how">How to read the tables</h2>
<p>One row per indicator, for the whole ICS; follow its name for charts and tables. England:
better, similar or worse when England's published value lies outside or inside the ICS's 95%
confidence interval ("99.8%" when outside that wider interval too). Trend: whether the last
{RECENT_POINTS} periods show a significant rise or fall (the method of OHID's Fingertips); "not
tested" when they cannot be tested (too few, overlapping, or one withheld or incomplete: the
indicator's page says which). Gap: whether the gap between the most and least deprived
is significantly widening or narrowing. The <em>Making Data Count</em> variation and assurance
icons are shown only for series of at least {MIN_POINTS_FOR_ICONS} points (monthly figures): a
handful of yearly values is too few to tell a signal from noise ("too few points").
Projection: where a straight line through the yearly values leads by {END_LABEL}, with the range
the figure is 95% likely to fall in, and whether that meets the target where one is set.
* = withheld for small numbers. A period marked provisional is not final: deaths in it may still be
registered. A period marked incomplete undercounts (some deaths' look-back starts before
the data do), so it takes no part in the trend, gap or projection.</p></section>"""


def _aim_table(page, statuses: list[Status], href: dict[str, str]) -> str:
    return (f'<section aria-labelledby="aim{page.aim}"><h2 id="aim{page.aim}"><a href="{page.file}">'
            f"{esc(page.title)}</a></h2><p>{esc(page.intro)}</p>"
            + status_table(f"aim{page.aim}-table", f"{page.title}: where each indicator stands, "
                           "whole ICS, latest period of each", statuses, href) + "</section>")


def status_table(table_id: str, caption: str, statuses: list[Status], href: dict[str, str]) -> str:
    """The status table of some indicators (the overview's per aim, the board PDF's per page)."""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in COLUMNS)
    rows = "".join(_row(s, href[s.meta["id"]]) for s in statuses)
    # a scroll box of its own on a phone, focusable so that keys scroll it, and named by its
    # caption (a section around it already carries the page's name: landmarks differ by name)
    return (f'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{table_id}">'
            f'<table class="status">'
            f'<caption id="{table_id}" class="meta">{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def _row(s: Status, href: str) -> str:
    cells = (_england(s), _trend(s), _gap(s), _icons(s), _projection(s), _sparkline(s))
    flag = ' class="flagged"' if s.attention else ""
    return (f'<tr{flag}><th scope="row" class="text"><a href="{href}">{esc(s.meta["id"])} '
            f'{esc(s.meta["short_title"])}</a></th><td>{esc(s.latest)}</td>'
            + "".join(f'<td class="text">{c}</td>' for c in cells) + "</tr>")


def _england(s: Status) -> str:
    if s.england is None:
        return "No published England value"
    e, unit = s.england, s.meta["unit"]
    value = f"{narrative.fmt(e.value, unit)} ({esc(e.period)})"
    if e.comparison.label == NOT_COMPARED:
        return f"{value}: not compared (no ICS value for that period)"
    sure = " (99.8%)" if e.comparison.level == LEVELS[-1] else ""
    return f"<strong>{esc(e.comparison.label)}</strong>{sure} than {value}" \
        if e.comparison.level else f"<strong>Similar</strong> to {value}"


def _trend(s: Status) -> str:
    marker = s.trend.marker
    if marker == CANNOT_BE_CALCULATED:
        return f'{esc(s.trend_words)} <span class="meta reason">({esc(s.trend.test.reason)})</span>'
    arrow = "" if marker == NO_SIGNIFICANT_CHANGE else ("↑ " if marker.startswith("Incr") else "↓ ")
    return f'<span aria-hidden="true">{arrow}</span>{esc(s.trend_words)}'


def _gap(s: Status) -> str:
    if s.gap.direction == GAP_CANNOT_BE_CALCULATED:
        return f'{esc(s.gap_words)} <span class="meta reason">({esc(s.gap.test.reason)})</span>'
    return esc(s.gap_words)


def _icons(s: Status) -> str:
    parts = []
    for m in s.monthly:
        label = f"Monthly, {esc(m.series['short_title'])}: "
        if m.chart.variation_icon is None:
            parts.append(f"{label}not enough months for icons ({m.chart.latest_group_size}; "
                         f"{MIN_POINTS_FOR_ICONS} needed)")
        else:
            assurance = m.chart.assurance_icon
            parts.append(label + variation_icon(m.chart.variation_icon)
                         + (assurance_icon(assurance) if assurance else ""))
    if not parts:  # why is said once, under "How to read the tables"
        parts.append(f'Too few points <span class="meta reason">({len(s.values)} yearly)</span>')
    return "<br>".join(parts)


def _projection(s: Status) -> str:
    p, unit = s.projection, s.meta["unit"]
    if not p.projected:
        return f'Not projected <span class="meta">({esc(p.reason)})</span>'
    bare = unit if unit == "%" else ""  # the range's ends in the value's unit, said once
    text = (f"{narrative.fmt(p.value, unit)} <span class=\"meta\">(95% range "
            f"{narrative.fmt(p.lower, bare)} to {narrative.fmt(p.upper, bare)})</span>")
    target = s.meta.get("target")
    if target:
        text += f"; target {narrative.fmt(target['value'], unit)}: <strong>{esc(s.ambition)}</strong>"
    return text


def _sparkline(s: Status) -> str:
    """The ICS values as a tiny line (hidden from screen readers, who get the values as text).
    The vertical scale spans the values, not zero: it shows the shape, the table the size. A
    withheld value, or one whose period is incomplete (it undercounts), breaks the line."""
    unit = s.meta["unit"]
    words = ", ".join(f"{p} {narrative.fmt(v, unit)}" for p, v in zip(s.periods, s.values, strict=True))
    incomplete = s.incomplete or (False,) * len(s.values)
    drawn = [None if gap else v for v, gap in zip(s.values, incomplete, strict=True)]
    valued = [v for v in drawn if v is not None]
    if len(valued) < 2:
        return f'<span class="visually-hidden">Values: {esc(words)}</span>'
    low, high = min(valued), max(valued)
    step = SPARK_WIDTH / (len(drawn) - 1)

    def xy(i: int, v: float) -> str:
        y = SPARK_HEIGHT / 2 if high == low else 2 + (SPARK_HEIGHT - 4) * (high - v) / (high - low)
        return f"{i * step:.1f},{y:.1f}"

    segments, current = [], []
    for i, v in enumerate(drawn):
        if v is None:
            segments, current = segments + [current], []
        else:
            current.append(xy(i, v))
    lines = "".join(f'<polyline points="{" ".join(seg)}"/>' for seg in [*segments, current]
                    if len(seg) > 1)
    last = next(i for i in range(len(drawn) - 1, -1, -1) if drawn[i] is not None)
    x, y = xy(last, drawn[last]).split(",")
    return (f'<svg class="spark" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" aria-hidden="true" '
            f'focusable="false">{lines}<circle cx="{x}" cy="{y}" r="2.5"/></svg>'
            f'<span class="visually-hidden">Values: {esc(words)}</span>')

"""Accessibility checks of a page drawn in the system Chromium through playwright: axe-core's
violations, horizontal scroll at phone width, tab stops outside the content's links, and a text
alternative for every chart.

Playwright drives the Debian Chromium (tests/browser.find_chromium), never a downloaded one: the
machine may have no network. Each check is a plain function of a loaded playwright page, so that
the same function runs on the pack and on a planted bad page (which shows it can fail)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipelines.report.colours import TEXT_CONTRAST
from tests.browser import find_chromium

PHONE = {"width": 390, "height": 844}  # an iPhone 12-15's CSS viewport
LAPTOP = {"width": 1280, "height": 800}
MAX_TAB_STOPS = 60  # outside content links: more than this and a keyboard user wades through chrome
CHART = ".plotly-graph-div"


@contextmanager
def chromium() -> Iterator:
    """A headless playwright browser on the system Chromium (skips the test if there is none)."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def wait_for_charts(page, timeout_ms: int = 30_000) -> None:
    """Until every plotly chart of the page has drawn its SVG (the width checks need the drawn
    size, and axe must see the drawn text). The pack draws a chart as it nears the screen
    (html.CHART_JS): all of them are drawn first, as printing does."""
    page.evaluate("() => window.PH && PH.drawAll()")
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('{CHART}')]
                  .every(div => div.querySelector('.main-svg'))""", timeout=timeout_ms)


def axe_violations(page) -> dict[str, int]:
    """axe-core's violations with its default rules (WCAG 2.x A and AA and best practice), any
    impact: rule id → number of elements that break it."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return {v["id"]: len(v["nodes"]) for v in result.response["violations"]}


def axe_details(page) -> str:
    """The first elements behind each violation, for a failure message a person can act on."""
    from axe_playwright_python.sync_playwright import Axe

    lines = []
    for v in Axe().run(page).response["violations"]:
        for node in v["nodes"][:3]:
            lines.append(f"{v['id']}: {node['target']} {node.get('failureSummary', '')[:200]!r}")
    return "\n".join(lines)


def page_width(page) -> tuple[int, int]:
    """(document scroll width, viewport width): the page scrolls sideways when the first exceeds
    the second."""
    return tuple(page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"))


# Elements a Tab key stops at: focusable, tabIndex >= 0, rendered (not display:none or hidden),
# not disabled. Content links (<a href> inside <main>) are the content itself and not counted.
_TAB_STOPS = """() => [...document.querySelectorAll('*')].filter(el => {
    if (el.tabIndex < 0 || el.disabled) return false;
    const focusable = el.matches('a[href], button, input, select, textarea, summary, iframe, '
        + '[tabindex], [contenteditable="true"], audio[controls], video[controls]');
    if (!focusable) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.getClientRects().length === 0) return false;
    return !(el.matches('a[href]') && el.closest('main'));
}).map(el => el.outerHTML.slice(0, 80))"""


def tab_stops(page) -> list[str]:
    """The start of each tab stop outside the content's links, in document order."""
    return page.evaluate(_TAB_STOPS)


# A chart's text alternative, as the pack writes it (html.figure): the chart sits in a <figure>
# with a <figcaption> stating its finding, and the figure is labelled with it (aria-label) so that
# a screen reader announces it on entering the group.
_CHARTS_WITHOUT_TEXT = f"""() => [...document.querySelectorAll('{CHART}')].filter(div => {{
    const fig = div.closest('figure');
    const caption = fig && fig.querySelector('figcaption');
    return !(caption && caption.textContent.trim().length > 20
             && (fig.getAttribute('aria-label') || '').trim().length > 20);
}}).map(div => div.id || div.outerHTML.slice(0, 80))"""


def charts_without_text(page) -> list[str]:
    """The charts (plotly graph divs) with no figcaption and aria-label on their figure."""
    return page.evaluate(_CHARTS_WITHOUT_TEXT)


# Text plotly draws inside a chart (ticks, axis titles, legend, notes) that reaches past the
# chart's own box: on a phone it is cut off at the chart's edge (or widens the page).
_CLIPPED_CHART_TEXT = f"""() => [...document.querySelectorAll('{CHART}')].flatMap(div => {{
    const box = div.getBoundingClientRect();
    return [...div.querySelectorAll('svg text')].filter(t => {{
        const r = t.getBoundingClientRect();
        return t.textContent.trim() && r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
    }}).map(t => t.textContent.trim().slice(0, 60));
}})"""


def clipped_chart_text(page) -> list[str]:
    """Chart text running past its chart's edge, e.g. a legend entry too long for a phone."""
    return page.evaluate(_CLIPPED_CHART_TEXT)


# axe-core checks the contrast of HTML text only, not of SVG <text>: the chart's own text is
# checked here, against the white of the pack's charts (figures.py paints them white).
_FAINT_CHART_TEXT = f"""(minimum) => {{
  const lum = rgb => rgb.map(v => v / 255)
      .map(c => c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  return [...document.querySelectorAll('{CHART} svg text')].filter(t => {{
    const fill = getComputedStyle(t).fill.match(/[\\d.]+/g);
    if (!t.textContent.trim() || !fill) return false;
    const [r, g, b, a = 1] = fill.map(Number);
    const opacity = a * Number(getComputedStyle(t).fillOpacity || 1);
    const seen = [r, g, b].map(c => c * opacity + 255 * (1 - opacity));  // over white
    return 1.05 / (lum(seen) + 0.05) < minimum;
  }}).map(t => t.textContent.trim().slice(0, 60) + ' (' + getComputedStyle(t).fill + ')');
}}"""


def faint_chart_text(page, minimum: float = TEXT_CONTRAST) -> list[str]:
    """Chart text below `minimum` contrast against white (WCAG AA for text: 4.5:1)."""
    return page.evaluate(_FAINT_CHART_TEXT, minimum)

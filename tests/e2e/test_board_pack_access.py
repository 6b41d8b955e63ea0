"""Every page of the board pack, drawn in the system Chromium through playwright, is accessible:
no axe-core violation (its default rules: WCAG 2.x A and AA and best practice) at a laptop's width
or a phone's; no sideways scroll on a 390 px phone; fewer than 60 tab stops besides the content's
links; every chart with a text alternative, and its own text legible and inside it. A planted bad
page shows that each check can fail."""

from __future__ import annotations

import pytest

from pipelines.report.colours import TEXT_CONTRAST
from pipelines.report.layout import load_layout
from tests import a11y
from tests.a11y import LAPTOP, PHONE

pytestmark = pytest.mark.e2e
PAGES = load_layout().pages


@pytest.fixture(scope="module")
def pack(built_warehouse, tmp_path_factory):
    """The board pack of the session's built warehouse (as test_board_pack's), without the PDFs:
    these checks read the HTML pages only."""
    from dataclasses import replace

    from pipelines.report.board_pack import write_board_pack

    settings, _ = built_warehouse
    settings = replace(settings, reports_dir=tmp_path_factory.mktemp("pack-access"), board_pack_pdf=False)
    write_board_pack(settings)
    return settings


@pytest.fixture(scope="module")
def browser():
    with a11y.chromium() as launched:  # skips when no Chromium is found
        yield launched


def opened(browser, url_or_html: str, viewport: dict):
    """A playwright page at `viewport` with the page loaded (a file:// address, or HTML itself)
    and its charts drawn."""
    page = browser.new_page(viewport=viewport)
    if url_or_html.startswith("file:"):
        page.goto(url_or_html)
    else:
        page.set_content(url_or_html)
    a11y.wait_for_charts(page)
    return page


def axe_fault(name: str, page) -> str:
    if violations := a11y.axe_violations(page):
        return f"{name}: axe violations (rule: elements) {violations}\n{a11y.axe_details(page)}"
    return ""


@pytest.mark.parametrize("page_file", [p.file for p in PAGES])
def test_every_page_passes_axe_fits_a_phone_and_describes_its_charts(pack, browser, page_file):
    url = (pack.reports_dir / page_file).resolve().as_uri()
    faults = []
    laptop = opened(browser, url, LAPTOP)
    faults.append(axe_fault(f"{page_file} at {LAPTOP['width']} px", laptop))
    laptop.close()

    phone = opened(browser, url, PHONE)
    faults.append(axe_fault(f"{page_file} at {PHONE['width']} px", phone))
    scroll_width, inner_width = a11y.page_width(phone)
    if scroll_width > inner_width:
        faults.append(f"{page_file}: scrolls sideways at {inner_width} px (scrollWidth {scroll_width})")
    if len(stops := a11y.tab_stops(phone)) >= a11y.MAX_TAB_STOPS:
        faults.append(f"{page_file}: {len(stops)} tab stops besides the content's links: {stops[:5]}")
    if missing := a11y.charts_without_text(phone):
        faults.append(f"{page_file}: charts without a caption and label: {missing}")
    if clipped := a11y.clipped_chart_text(phone):
        faults.append(f"{page_file}: chart text past the chart's edge at {PHONE['width']} px: {clipped[:5]}")
    if faint := a11y.faint_chart_text(phone):
        faults.append(f"{page_file}: chart text below {TEXT_CONTRAST}:1 on white: {faint[:5]}")
    phone.close()
    assert [f for f in faults if f] == []


# A page with one fault for each check, beside things the checks must let pass: a dark paragraph,
# links inside <main> and a hidden or untabbable button (not tab stops), a captioned chart.
FAINT_LABEL = "Faint legend entry far too long for a chart this narrow"
PLANTED = ("""<!DOCTYPE html><html lang="en"><head><title>Planted</title></head><body><main>
<h1>Planted faults</h1>
<p style="color:#212B32">Dark enough.</p><p style="color:#BBBBBB">Too faint to read.</p>
<div style="width:600px">Six hundred pixels wide.</div>"""
           + "".join(f'<a href="#p{i}">content link {i}</a> ' for i in range(80))
           + """<button style="display:none">hidden</button><button tabindex="-1">untabbable</button>
<figure aria-label="A captioned chart with a finding in words"><div class="plotly-graph-div" id="good"
 style="width:300px"><svg class="main-svg" width="300" height="40"><text x="5" y="20"
 style="fill: rgb(66, 85, 99)">Legible tick</text></svg></div>
<figcaption>A captioned chart: the finding in words, and the table below.</figcaption></figure>
<div class="plotly-graph-div" id="bare" style="width:200px"><svg class="main-svg" width="200"
 height="40" style="overflow: visible"><text x="5" y="20" style="fill: rgb(187, 187, 187)">"""
           + FAINT_LABEL + "</text></svg></div>"
           + "".join(f"<button>b{i}</button>" for i in range(70)) + "</main></body></html>")


def test_the_checks_catch_a_planted_bad_page(browser):
    page = opened(browser, PLANTED, PHONE)
    assert a11y.axe_violations(page) == {"color-contrast": 1}  # the faint paragraph, not the dark one
    scroll_width, inner_width = a11y.page_width(page)
    assert inner_width == PHONE["width"] and scroll_width >= 600
    assert len(a11y.tab_stops(page)) == 70  # the buttons; not the 80 content links nor the hidden two
    assert a11y.charts_without_text(page) == ["bare"]
    assert a11y.clipped_chart_text(page) == [FAINT_LABEL]
    assert a11y.faint_chart_text(page) == [f"{FAINT_LABEL} (rgb(187, 187, 187))"]
    page.close()

"""The ICP board pack written from a real built warehouse (small synthetic extracts), opened in real
headless Chromium: every page, offline (no request leaves file://, no share button), no console
errors, screenshots; the synthetic banner on every page and every PDF page; the board PDF and its
annex (A4, numbered, contents, no server path); and scanned for disclosure breaches and
person-level identifiers."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import re
import shutil
from html.parser import HTMLParser

import duckdb
import numpy as np
import pypdf
import pytest

from pipelines.contracts.model import load_contracts
from pipelines.landing.pseudonymise import nhs_number_is_valid
from pipelines.report.html import NHSUK_CSS, PLOTLY_JS
from pipelines.report.layout import load_layout
from pipelines.report.quality import SYNTHETIC_WORDS
from tests.browser import find_chromium, visit
from tests.e2e.test_refresh import external_references

pytestmark = pytest.mark.e2e
PAGES = load_layout().pages


@pytest.fixture(scope="module")
def pack(built_warehouse, tmp_path_factory):
    """The board pack of the session's built warehouse, written to a folder of its own."""
    from dataclasses import replace

    from pipelines.report.board_pack import write_board_pack

    settings, _ = built_warehouse
    settings = replace(settings, reports_dir=tmp_path_factory.mktemp("pack"))
    written = write_board_pack(settings)
    return settings, written


def pages(settings) -> dict[str, str]:
    return {p.file: (settings.reports_dir / p.file).read_text(encoding="utf-8") for p in PAGES}


def test_every_page_is_written_with_plotly_js_once_beside_them(pack):
    """plotly.js (4.8 MB) is written once; a page with charts loads it, a page without does not."""
    settings, written = pack
    assert {p.name for p in written} >= {p.file for p in PAGES}
    assert (settings.reports_dir / PLOTLY_JS).stat().st_size > 1_000_000
    # the NHS.UK frontend's stylesheet beside them, with nothing to fetch: no web font, no image
    nhsuk = (settings.reports_dir / NHSUK_CSS).read_text(encoding="utf-8")
    assert ".nhsuk-skip-link" in nhsuk and "@font-face" not in nhsuk and "url(" not in nhsuk
    chartless = []
    for name, page in pages(settings).items():
        assert f'<link rel="stylesheet" href="{NHSUK_CSS}">' in page, name
        if "Plotly.newPlot" in page:
            assert f'<script src="{PLOTLY_JS}" defer></script>' in page, name
        else:
            chartless.append(name)
            assert PLOTLY_JS not in page, name
        assert external_references(page) == [], name  # no CDN, no web fonts
        assert "plotly.js v" not in page, name  # not embedded again in the page
        # each chart's div its own id: a repeated one is drawn once, the others stay blank
        ids = re.findall(r'<div id="(chart-[0-9a-f]+)" class="plotly-graph-div"', page)
        assert len(ids) == len(set(ids)) == page.count('class="plotly-graph-div"'), name
    assert {"index.html", "methods.html"} <= set(chartless)


def test_every_page_opens_in_chromium_offline_without_errors(pack, tmp_path):
    settings, _ = pack
    for p in PAGES:
        seen = visit(settings.reports_dir / p.file, tmp_path / p.file.removesuffix(".html"))
        assert seen.requests == [], p.file  # nothing but the pack's own files (file://)
        assert seen.console_errors == [], p.file
        assert toolbar_faults(seen.dom) == [], p.file
        assert SYNTHETIC_WORDS in seen.dom, p.file  # the demo's banner, drawn
        assert seen.screenshot.stat().st_size > 10_000, p.file
        if "Plotly.newPlot" in (settings.reports_dir / p.file).read_text(encoding="utf-8"):
            assert 'class="main-svg"' in seen.dom, f"plotly drew nothing on {p.file}"
        # every page links to every other (keyboard navigation) and has a skip link
        assert all(f'href="{other.file}"' in seen.dom for other in PAGES), p.file
        assert 'href="#content"' in seen.dom


# "Share chart...", "Send data to cloud", "Edit in Chart Studio": not "shared decision making"
OFFERS_TO_SHARE = re.compile(r"\b(share|cloud|chart studio)\b")


class _Elements(HTMLParser):
    """Every element's tag and attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def toolbar_faults(dom: str) -> list[str]:
    """What breaks "offline and private" in a drawn page: an element offering to share, upload or
    edit online (by its title or data-title, as plotly.js labels its buttons), or a chart toolbar
    button a keyboard user tabs through."""
    elements = _Elements()
    elements.feed(dom)
    faults = []
    for tag, attrs in elements.found:
        words = " / ".join(dict.fromkeys(
            label.lower() for a in ("title", "data-title") if (label := attrs.get(a))))
        if OFFERS_TO_SHARE.search(words):
            faults.append(f"<{tag}> offers to share: {words!r}")
        if "modebar-btn" in attrs.get("class", "").split() and attrs.get("tabindex") != "-1":
            faults.append(f"toolbar button in the tab order: {words!r}")
    return faults


def test_the_toolbar_check_finds_a_share_button_and_a_tabbable_button():
    drawn = ('<figure title="Shared decision making by year"><div class="modebar">'
             '<button class="modebar-btn" data-title="Share chart..."></button>'
             '<button class="modebar-btn" data-title="Download plot as a PNG" tabindex="-1">'
             '</button><button class="modebar-btn" data-title="Reset views"></button></div></figure>')
    assert toolbar_faults(drawn) == ["<button> offers to share: 'share chart...'",
                                     "toolbar button in the tab order: 'share chart...'",
                                     "toolbar button in the tab order: 'reset views'"]


def test_the_request_check_sees_a_page_reach_for_the_network(tmp_path):
    """What `visit` reports: an address a page asks for, whether or not anything answers (port 9
    of this machine: nothing does), and none of the page's own files."""
    (tmp_path / "local.png").write_bytes(b"")
    page = tmp_path / "reaching.html"
    page.write_text('<!DOCTYPE html><title>t</title><img src="local.png" alt="">'
                    '<img src="http://127.0.0.1:9/pixel.png" alt="">', encoding="utf-8")
    assert visit(page, tmp_path / "visit").requests == ["http://127.0.0.1:9/pixel.png"]


def test_every_published_indicator_has_a_section_on_some_page(pack):
    settings, _ = pack
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        published = {r[0] for r in con.execute(
            "select distinct indicator_id from published.indicator_values").fetchall()}
    sections = set()
    for page in pages(settings).values():
        sections |= set(re.findall(r'<section id="([^"]+)" aria-labelledby', page))
    assert published - sections == set()


def plotly_figures(page: str) -> list[dict]:
    """Every figure of a page: the data and layout passed to Plotly.newPlot."""
    decoder, found = json.JSONDecoder(), []
    for match in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', page):
        data, end = decoder.raw_decode(page, match.end())
        layout, _ = decoder.raw_decode(page, end + page[end:].index("{"))
        found.append({"data": data, "layout": layout})
    return found


# A chart's title (its finding) and source line are HTML text around its plotly div (html.figure),
# where they wrap at a phone's width; the units are in its axis or legend titles.
CHART_WORDS = re.compile(r'<figure[^>]*><p class="chart-title">([^<]*)</p>(.*?)'
                         r'<p class="chart-source">([^<]*)</p>', re.S)


def test_every_chart_has_a_title_units_and_a_source_line(pack):
    settings, _ = pack
    charts = 0
    for name, page in pages(settings).items():
        assert page.count("Plotly.newPlot") == len(CHART_WORDS.findall(page)), name
        for title, chart, source in CHART_WORDS.findall(page):
            (fig,) = plotly_figures(chart)
            layout, charts = fig["layout"], charts + 1
            assert len(title) > 20, (name, title)
            assert "Source:" in source, (name, title)
            units = [layout.get(axis, {}).get("title", {}).get("text", "")
                     for axis in ("xaxis", "yaxis")]
            units.append(layout.get("legend", {}).get("title", {}).get("text", ""))  # maps
            assert any(re.search(r"\(.+\)|%|quintile|per \d", u) for u in units), (name, units)
    assert charts > 100


def _array(values) -> list:
    """A trace's values: a list, or plotly's typed array {"dtype": ..., "bdata": base64}."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values or [])


class _CountCells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.counts, self._in = [], False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "td" and "count" in (dict(attrs).get("class") or "").split()

    def handle_data(self, data):
        if self._in:
            self.counts.append(data.strip())
            self._in = False


def test_the_output_shows_no_small_count_and_no_person_identifier(pack):
    settings, written = pack
    shown = []
    for page in pages(settings).values():
        cells = _CountCells()
        cells.feed(page)
        shown += cells.counts
        for fig in plotly_figures(page):
            shown += [str(y) for trace in fig["data"] if trace.get("meta") == "count"
                      for y in _array(trace.get("y")) if y is not None and y == y]
    numbers = [float(v.replace(",", "")) for v in shown if v != "*"]
    assert len(numbers) > 100 and "*" in shown  # counts shown, and some suppressed
    breaches = [n for n in numbers if 1 <= n <= 7 or (n >= 8 and n % 5)]
    assert breaches == []

    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        people = {r[0] for r in con.execute(
            "select person_id from intermediate.int_persons").fetchall()}
    text = "\n".join(p.read_text(encoding="utf-8", errors="ignore")
                     for p in written if p.suffix == ".html")
    tokens = set(re.findall(r"[0-9a-f]{16,}", text))
    assert people and not tokens & people  # no pseudonymised person id
    candidates = re.findall(r"(?<![\w.-])\d{3} ?\d{3} ?\d{4}(?![\w.-])", text)
    assert [c for c in candidates if nhs_number_is_valid(c.replace(" ", ""))] == []


A4 = (595, 842)  # points
# what the folder a pack is built in looks like: a PDF shows none of it (text, links, metadata)
SERVER_PATHS = ("/tmp", "/root", "/work", "file://")


@functools.cache
def printed(settings, name: str) -> pypdf.PdfReader:
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("Chromium not found: install it with `apt-get install -y chromium`")
    pdf = settings.reports_dir / name
    assert pdf.read_bytes().startswith(b"%PDF")
    return pypdf.PdfReader(pdf)


@functools.cache
def sheets(reader: pypdf.PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def addresses(reader: pypdf.PdfReader) -> list[str]:
    """Every address the PDF links to, and its metadata."""
    found = [str(v) for v in (reader.metadata or {}).values()]
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            found += [str(action[key]) for key in ("/URI", "/F") if key in action]
    return found


def test_the_board_pdf_is_a4_numbered_with_contents_and_at_most_30_pages(pack):
    settings, written = pack
    assert settings.reports_dir / "board-pack.pdf" in written
    reader = printed(settings, "board-pack.pdf")
    text = sheets(reader)
    assert 5 <= len(text) <= 30  # a pack a board reads, not a blank one
    assert [n for n, page in enumerate(reader.pages, 1)
            if (round(page.mediabox.width), round(page.mediabox.height)) != A4] == []
    assert [n for n, page in enumerate(text, 1) if f"Page {n} of {len(text)}" not in page] == []
    # the contents lists the overview and every aim and theme page, in order, on the first sheet
    chapters = [p.title for p in PAGES if p.kind in ("overview", "aim", "theme")]
    contents = text[0][text[0].index("Contents"):]
    assert [contents.find(title) for title in chapters] == sorted(contents.find(t) for t in chapters)
    assert -1 not in [contents.find(title) for title in chapters]
    assert "What needs the board's attention" in " ".join(text)
    assert "Methods" not in contents  # the technical pages are the annex's
    links = [a.get_object() for a in reader.pages[0].get("/Annots") or []]
    assert sum("/Dest" in link for link in links) >= len(chapters)  # each entry a link within
    banner = " ".join(SYNTHETIC_WORDS.split()[:3])  # demo extracts: the banner on every sheet
    assert [n for n, page in enumerate(text, 1) if banner not in page] == []


def test_the_annex_pdf_is_the_whole_pack_on_a4_with_page_numbers(pack):
    settings, written = pack
    assert settings.reports_dir / "board-pack-annex.pdf" in written
    reader = printed(settings, "board-pack-annex.pdf")
    text = sheets(reader)
    assert len(text) > 30
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {A4}
    assert [n for n, page in enumerate(text, 1) if f"Page {n} of {len(text)}" not in page] == []
    assert all(p.title in text[0] for p in PAGES)  # contents
    banner = " ".join(SYNTHETIC_WORDS.split()[:3])
    assert [n for n, page in enumerate(text, 1) if banner not in page] == []


@pytest.mark.parametrize("name", ["board-pack.pdf", "board-pack-annex.pdf"])
def test_no_pdf_shows_or_links_to_the_folder_it_was_built_in(pack, name):
    settings, _ = pack
    reader = printed(settings, name)
    shown = [(where, path) for where, text in [*enumerate(sheets(reader), 1),
                                              *(("link", a) for a in addresses(reader))]
             for path in SERVER_PATHS if path in text]
    assert shown == []
    # nor any link's address printed after it (the NHS.UK stylesheet's print rule, turned off)
    assert [n for n, text in enumerate(sheets(reader), 1) if "(Link:" in text] == []


BANNER = '<div class="synthetic" role="region" aria-label="Synthetic data notice">'


def test_a_demo_pack_says_synthetic_on_every_page_and_a_pack_of_real_deliveries_never(pack):
    """The small extracts were landed beside the demo marker, so the ledger and published layer
    say synthetic: the banner opens every page (print page too), above the header. Built from
    published batches that are not synthetic, no page mentions it."""
    from dataclasses import replace

    from pipelines.report.board_pack import render_pack
    from pipelines.report.printed import PDFS
    from pipelines.report.published import read_published

    settings, _ = pack
    pub = read_published(settings)
    assert pub.source_batches["synthetic"].all()
    for name in [p.file for p in PAGES] + list(PDFS):
        page = (settings.reports_dir / name).read_text(encoding="utf-8")
        assert page.count(BANNER) == 1 and page.index(BANNER) < page.index("<header>"), name
        assert page.count(SYNTHETIC_WORDS) == 1, name

    real = render_pack(replace(pub, source_batches=pub.source_batches.assign(synthetic=False)),
                       load_layout())
    assert set(real) == {p.file for p in PAGES} | set(PDFS)
    shown = {name: re.sub(r"<style>.*?</style>", "", page, flags=re.S) for name, page in real.items()}
    assert [name for name, page in shown.items() if "synthetic" in page.lower()] == []


def _sections(page: str) -> set[str]:
    return set(re.findall(r'<section id="([^"]+)" aria-labelledby', page))


def test_a_theme_page_is_added_by_config_alone(pack, tmp_path):
    """A copy of pages.yml with a page for a theme the metadata already has: the page is written
    with every published indicator of that theme, which leave their aim page for it."""
    from pipelines.report.board_pack import render_pack
    from pipelines.report.layout import PAGES_FILE
    from pipelines.report.printed import PDFS
    from pipelines.report.published import read_published

    settings, _ = pack
    config = tmp_path / "pages.yml"
    config.write_text(PAGES_FILE.read_text(encoding="utf-8") + """
  - file: prevention.html
    title: Prevention
    kind: theme
    theme: prevention
    intro: Tobacco, alcohol, healthy weight, blood pressure and premature death.
""", encoding="utf-8")
    pub = read_published(settings)
    layout = load_layout(config)
    pack_html = render_pack(pub, layout)

    themed = {m["id"] for m in pub.indicators.values()
              if m["theme"] == "prevention" and m["id"] in set(pub.values["indicator_id"])}
    prevention = pack_html["prevention.html"]
    assert themed and _sections(prevention) == themed
    assert "<h1>Prevention</h1>" in prevention and "Tobacco, alcohol, healthy weight" in prevention
    assert plotly_figures(prevention)  # their charts came with them
    assert not themed & _sections(pack_html["aim-2.html"])
    assert "<td>Prevention</td>" in pack_html["aim-2.html"]  # where the aim's table says they are
    assert all('href="prevention.html"' in pack_html[p.file] for p in layout.pages)  # navigation
    assert all('href="#page-prevention"' in pack_html[name] for name in PDFS)  # a chapter of each
    headline = [i for i in themed if pub.indicators[i].get("headline")]
    assert all(f'href="prevention.html#{i}"' in pack_html["index.html"] for i in headline)


def test_a_series_renamed_in_its_metadata_only_stops_the_report(pack):
    """The SQL still writes the old id: an error naming both ids, not a page without the chart."""
    from dataclasses import replace

    from pipelines.report.board_pack import render_pack
    from pipelines.report.layout import LayoutError
    from pipelines.report.published import read_published

    settings, _ = pack
    pub = read_published(settings)
    old, meta = next(iter(pub.series.items()))
    renamed = {**{k: s for k, s in pub.series.items() if k != old},
               f"{old}-RENAMED": {**meta, "id": f"{old}-RENAMED"}}
    with pytest.raises(LayoutError) as raised:
        render_pack(replace(pub, series=renamed), load_layout())
    assert f"published.monthly_activity has series '{old}'" in str(raised.value)
    assert f"monthly series {old}-RENAMED (meta.series) has no rows" in str(raised.value)


@contextlib.contextmanager
def browser_page():
    """A page of the system Chromium through playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 800})
        finally:
            browser.close()


DRAWN = "() => [...document.querySelectorAll('.plotly-graph-div')].map(d => !!d.querySelector('.main-svg'))"


def test_a_page_loads_plotly_only_with_charts_and_draws_them_as_they_scroll_into_view(pack):
    """The longest page draws the charts near the screen at load, the last one only once scrolled
    to (its box already its height: the page does not jump), and every chart before printing.
    A page without charts asks for no plotly.js and is loaded well within a second."""
    settings, _ = pack
    longest = max((p.file for p in PAGES), key=lambda f: (settings.reports_dir / f).stat().st_size)
    with browser_page() as page:
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url.rsplit("/", 1)[-1]))
        for chartless in ("index.html", "methods.html"):
            page.goto((settings.reports_dir / chartless).as_uri(), wait_until="load")
            loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            assert loaded < 1000, (chartless, loaded)
        assert {"index.html", "methods.html"} <= set(asked)
        assert [name for name in asked if name.endswith(".js")] == []  # no plotly.js, no script

        page.goto((settings.reports_dir / longest).as_uri(), wait_until="load")
        page.wait_for_function(f"({DRAWN})()[0]")  # the first chart, near the top, is drawn
        assert asked.count(PLOTLY_JS) == 1
        drawn = page.evaluate(DRAWN)
        assert len(drawn) > 20 and drawn[0] and not drawn[-1], (longest, drawn)
        last = page.locator(".plotly-graph-div").last
        height = page.evaluate("document.documentElement.scrollHeight")
        last.scroll_into_view_if_needed()
        last.locator(".main-svg").first.wait_for(state="attached", timeout=10_000)
        assert page.evaluate("document.documentElement.scrollHeight") == height
        assert not all(page.evaluate(DRAWN))  # those scrolled past quickly may wait

        page.emulate_media(media="print")
        page.pdf()  # printing (beforeprint) draws every chart
        assert all(page.evaluate(DRAWN))


def test_the_print_pages_draw_every_chart_at_load(pack):
    """What Chromium prints to the PDFs (pdf.py): every chart drawn without scrolling, so the
    annex PDF shows every chart's source line (drawn by plotly.js; no other text says "Source:")."""
    from pipelines.report.printed import ANNEX_PRINT, PDFS

    settings, _ = pack
    with browser_page() as page:
        page.goto((settings.reports_dir / ANNEX_PRINT).as_uri(), wait_until="load")
        page.wait_for_timeout(500)
        drawn = page.evaluate(DRAWN)
    assert len(drawn) > 100 and all(drawn)
    text = " ".join(sheets(printed(settings, PDFS[ANNEX_PRINT])))
    assert text.count("Source:") == len(drawn)


# Technical provenance a board member should not meet outside the data-quality page: a run's
# UUID, a batch or file hash, a warehouse table, a source by its id instead of its name.
SOURCE_IDS = sorted(load_contracts())
TECHNICAL = {
    "uuid": re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
    "hash": re.compile(r"\b[0-9a-f]{16,}\b"),
    "table": re.compile(r"\b(?:ops|published|marts|raw|staging|intermediate)\.[a-z_]+"),
    "source id": re.compile(r"\b(?:" + "|".join(SOURCE_IDS) + r")\b"),
}


def shown_text(page: str) -> str:
    """What a reader of a page sees: its text and attributes (no style or script) and each
    chart's title, notes and series names."""
    charts = [json.dumps([fig["layout"].get("title"), fig["layout"].get("annotations"),
                          [trace.get("name") for trace in fig["data"]]])
              for fig in plotly_figures(page)]
    return " ".join([re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S), *charts])


def technical_terms(text: str) -> dict[str, list[str]]:
    return {kind: found for kind, pattern in TECHNICAL.items() if (found := pattern.findall(text))}


def test_the_technical_check_finds_a_run_a_batch_a_table_and_a_source_id():
    planted = ('<p>Built by run 9d15d8c9-824a-4501-a1dc-57883ac23aeb (ops.runs) from '
               'gp_events batch 29e363fb6c665bb7</p><script>var x = "ecds_attendances";</script>')
    assert technical_terms(shown_text(planted)) == {
        "uuid": ["9d15d8c9-824a-4501-a1dc-57883ac23aeb"], "hash": ["29e363fb6c665bb7"],
        "table": ["ops.runs"], "source id": ["gp_events"]}


def test_only_the_data_quality_page_shows_runs_batches_tables_and_source_ids(pack):
    """The board's pages (and the board PDF) say "data up to ..., refreshed ..." and name sources
    as people do; the data-quality page holds the batches and ids behind every figure."""
    from pipelines.report.printed import BOARD_PRINT

    settings, _ = pack
    shown = {name: shown_text(page) for name, page in pages(settings).items()}
    shown[BOARD_PRINT] = shown_text((settings.reports_dir / BOARD_PRINT).read_text(encoding="utf-8"))
    shown["board-pack.pdf"] = " ".join(sheets(printed(settings, "board-pack.pdf")))
    quality = [p.file for p in PAGES if p.kind == "data_quality"]
    found = {name: technical_terms(text) for name, text in shown.items() if name not in quality}
    assert {name: terms for name, terms in found.items() if terms} == {}
    assert {"hash", "source id", "table"} <= set(technical_terms(shown[quality[0]]))
    assert all("Data up to" in shown[p.file] and 'href="data-quality.html"' in shown[p.file]
               for p in PAGES)
    assert all('href="model-docs.html"' not in shown[p.file] for p in PAGES if p.kind != "methods")

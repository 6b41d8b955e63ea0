"""Write the ICP board pack from the ``published`` schema: the pages listed in pages.yml (an
overview, aim and theme pages, data quality, methods) and two A4 PDFs (printed.py): the board's
and the technical annex. Pages work
offline: plotly.js is written once beside them, nothing is fetched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import plotly.offline

from pipelines.config import Settings
from pipelines.progress import progress
from pipelines.report import maps
from pipelines.report.html import NHSUK_CSS, PLOTLY_JS, nhsuk_stylesheet, page
from pipelines.report.layout import Layout, load_layout
from pipelines.report.overview import overview_body
from pipelines.report.pages import body
from pipelines.report.pdf import write_pdf
from pipelines.report.printed import ANNEX_PRINT, BOARD_KINDS, BOARD_PRINT, PDFS, board_summary, print_page
from pipelines.report.published import Published, read_published
from pipelines.report.quality import provenance, synthetic_banner, trust_panel
from pipelines.report.references import check_references


def render_pack(pub: Published, layout: Layout, run_id: str | None = None) -> dict[str, str]:
    """Every page of the layout and the two print pages (printed.py), file name → HTML. Checks
    first that every id the layout and the metadata name exists. Figures from synthetic deliveries
    (the ledger says so) put a banner at the top of every page."""
    check_references(layout, pub.indicators, pub.series, set(maps.area_names("place")),
                     set(pub.values["indicator_id"]), set(pub.monthly["indicator_id"]))
    trust, banner = trust_panel(pub, layout), synthetic_banner(pub)
    subtitle = (f"Nottingham and Nottinghamshire Integrated Care Partnership board pack · data "
                f"period {pub.data_period} · figures built {pub.built_at:%d %B %Y %H:%M}")
    bodies = {}
    with progress("writing the board pack", len(layout.pages)) as step:
        for p in layout.pages:
            bodies[p.file] = body(pub, layout, p)
            if p.kind == "data_quality":  # the run and batches: this page only (quality.py)
                bodies[p.file] += provenance(pub, run_id)
            step(p.file)
    pages = {p.file: page(p, layout.pages, subtitle, bodies[p.file], trust, banner)
             for p in layout.pages}
    # the board PDF: the overview without its per-aim tables, which follow one per page
    board = [(p, overview_body(pub, layout, with_tables=False) if p.kind == "overview"
              else board_summary(pub, layout, p)) for p in layout.pages if p.kind in BOARD_KINDS]
    annex = [(p, bodies[p.file]) for p in layout.pages]
    for file, title, chapters in ((BOARD_PRINT, "Board summary", board),
                                  (ANNEX_PRINT, "Technical annex: the whole pack", annex)):
        pages[file] = print_page(file, title, chapters, layout.pages, subtitle, trust, banner)
    return pages


def write_board_pack(settings: Settings, run_id: str | None = None,
                     layout: Layout | None = None) -> list[Path]:
    """Write the pack into a side folder, then move it over the last one file by file, so a
    failure while writing leaves the previous pack as it was."""
    pages = render_pack(read_published(settings), layout or load_layout(), run_id)
    out = settings.reports_dir
    building = out.with_name(out.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    (building / PLOTLY_JS).write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    (building / NHSUK_CSS).write_text(nhsuk_stylesheet(), encoding="utf-8")
    for name, text in pages.items():
        (building / name).write_text(text, encoding="utf-8")
    if settings.board_pack_pdf:
        for print_file, pdf in PDFS.items():
            write_pdf(building / print_file, building / pdf)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in [PLOTLY_JS, NHSUK_CSS, *pages, *PDFS.values()]:
        if (building / name).exists():
            os.replace(building / name, out / name)
            written.append(out / name)
        else:  # no PDF this time (turned off, or no Chromium): never leave last month's beside it
            (out / name).unlink(missing_ok=True)
    shutil.rmtree(building, ignore_errors=True)
    return [path for path in written if path.name not in (PLOTLY_JS, NHSUK_CSS)]

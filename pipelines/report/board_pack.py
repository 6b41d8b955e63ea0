"""Write the ICP board pack from the ``published`` schema: an overview, one page per strategy aim,
pages for end of life, care homes, personalised care, data quality and methods, and a PDF of the
whole pack. Pages work offline: plotly.js is written once beside them, nothing is fetched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import plotly.offline

from pipelines.config import Settings
from pipelines.progress import progress
from pipelines.report.html import PAGES, PLOTLY_JS, Page, esc, page
from pipelines.report.methods import methods_body
from pipelines.report.pages import (
    THEME_INTROS,
    aim_page,
    data_quality_page,
    home_page,
    overview,
    theme_page,
    trust_panel,
)
from pipelines.report.pdf import write_pdf
from pipelines.report.published import Published, read_published


def write_board_pack(settings: Settings, run_id: str | None = None) -> list[Path]:
    """Write the pack into a side folder, then move it over the last one file by file, so a
    failure while writing leaves the previous pack as it was."""
    pub = read_published(settings)
    out = settings.reports_dir
    building = out.with_name(out.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    (building / PLOTLY_JS).write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    trust = trust_panel(pub, run_id, synthetic=settings.synthetic_data)
    subtitle = (f"Nottingham and Nottinghamshire Integrated Care Partnership board pack · data "
                f"period {pub.data_period} · refreshed {pub.refreshed_at:%d %B %Y %H:%M}")
    bodies = {}
    with progress("writing the board pack", len(PAGES)) as step:
        for p in PAGES:
            bodies[p.file] = _body(pub, p)
            step(p.file)
    for p in PAGES:
        (building / p.file).write_text(page(p, subtitle, bodies[p.file], trust), encoding="utf-8")
    printable = building / "print.html"
    printable.write_text(page(Page("print.html", "ICP board pack (all pages)"), subtitle,
                              "".join(f"<h1>{esc(p.title)}</h1>{bodies[p.file]}" for p in PAGES),
                              trust), encoding="utf-8")
    write_pdf(printable, building / "board-pack.pdf")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in [PLOTLY_JS, *(p.file for p in PAGES), "print.html", "board-pack.pdf"]:
        if (building / name).exists():
            os.replace(building / name, out / name)
            written.append(out / name)
    shutil.rmtree(building, ignore_errors=True)
    return [path for path in written if path.name != PLOTLY_JS]


def _body(pub: Published, p: Page) -> str:
    if p.file == "index.html":
        return overview(pub)
    if p.file.startswith("aim-"):
        return aim_page(pub, int(p.file[4]))
    if p.file in THEME_INTROS:
        return theme_page(pub, p.file)
    if p.file == "data-quality.html":
        return data_quality_page(pub)
    return methods_body(pub.indicators, {i: home_page(m) for i, m in pub.indicators.items()},
                        pub.values)

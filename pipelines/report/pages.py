"""The bodies of the board pack's pages, by kind (layout.py): the overview (overview.py), an aim
or theme page with its indicators' sections and extra charts, data quality and methods. What each
page holds comes from the page config and the indicators' metadata, never from ids in code."""

from __future__ import annotations

import pandas as pd

from pipelines.report import narrative
from pipelines.report.charts import PAGE_CHARTS, series_charts
from pipelines.report.html import esc, table
from pipelines.report.layout import Layout, Page
from pipelines.report.methods import methods_body
from pipelines.report.overview import overview_body
from pipelines.report.published import Published
from pipelines.report.quality import data_quality_page
from pipelines.report.sections import indicator_section


def body(pub: Published, layout: Layout, page: Page) -> str:
    return BODIES[page.kind](pub, layout, page)


def _published(pub: Published) -> list[dict]:
    present = set(pub.values["indicator_id"])
    return [m for m in pub.indicators.values() if m["id"] in present]


def overview(pub: Published, layout: Layout, page: Page) -> str:
    return overview_body(pub, layout)


def aim_page(pub: Published, layout: Layout, page: Page) -> str:
    """The aim's indicators in a table (with the page each lives on), then the sections of those
    that no theme page claims."""
    mine = [m for m in _published(pub) if m["aim"] == page.aim]
    summary = pd.DataFrame([{
        "Indicator": f"{m['id']} {m['title']}",
        "Latest ICS value": _latest_value(pub, m),
        "Where": "this page" if layout.home(m) == page else layout.home(m).title,
    } for m in mine])
    return (f"<section><h2>Aim {page.aim}</h2><p>{esc(page.intro)}</p>"
            f"{table(summary, f'Indicators of aim {page.aim}, latest period of each', 1)}</section>"
            + _charts_and_sections(pub, layout, page))


def theme_page(pub: Published, layout: Layout, page: Page) -> str:
    return (f"<section><h2>About this page</h2><p>{esc(page.intro)}</p></section>"
            + _charts_and_sections(pub, layout, page))


def _charts_and_sections(pub: Published, layout: Layout, page: Page) -> str:
    """The page's reference-data charts (config), the monthly series whose related indicator lives
    here (meta), then the full section of each indicator that lives here, in id order."""
    charts = "".join(PAGE_CHARTS[name](pub) for name in page.charts)
    charts += "".join(series_charts(pub, s) for s in pub.series.values()
                      if layout.home(pub.indicators[s["related_indicator"]]) == page)
    return charts + "".join(indicator_section(pub, m, with_map=bool(m.get("headline")))
                            for m in _published(pub) if layout.home(m) == page)


def _latest_value(pub: Published, meta: dict) -> str:
    ics = pub.indicator_values(meta["id"])
    ics = ics[(ics["area_type"] == "ics") & (ics["breakdown"] == "all")].sort_values("period_end")
    return "no data" if ics.empty else \
        f"{narrative.fmt(ics['value'].iloc[-1], meta['unit'])} ({ics['period'].iloc[-1]})"


def methods_page(pub: Published, layout: Layout, page: Page) -> str:
    return methods_body(pub.indicators, {i: layout.home(m).file for i, m in pub.indicators.items()},
                        pub.values)


BODIES = {"overview": overview, "aim": aim_page, "theme": theme_page,
          "data_quality": lambda pub, layout, page: data_quality_page(pub),
          "methods": methods_page}

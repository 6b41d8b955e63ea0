"""The board pack on paper: two print pages, each printed to its own A4 PDF by pdf.py.

The board PDF is what a board member reads before the meeting: the overview's attention section
and how to read the tables, then one page per aim and theme with the status table of that page's
indicators (the overview's columns; each indicator once) - no charts: a board member asks "how are
we doing and what should we ask?", which the status tables answer; the charts, inequality tables
and maps behind each row are the annex's. The annex is the whole pack, every page in full, for whoever
checks a figure. Both open with a contents list whose entries link within the PDF.

Links between pages become links within the printed document (a page's own anchor, else the page's
chapter); a link to anything not printed is dropped for its text. A relative link left as it is
would be printed as a file:// address of the folder the pack was built in: a server path, and a
dead link once the PDF is circulated."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines.report.html import esc, page
from pipelines.report.layout import Layout, Page
from pipelines.report.overview import indicator_href, status_table
from pipelines.report.published import Published
from pipelines.report.status import indicator_status, published_indicators

BOARD_PRINT, ANNEX_PRINT = "print-board.html", "print.html"
PDFS = {BOARD_PRINT: "board-pack.pdf", ANNEX_PRINT: "board-pack-annex.pdf"}
BOARD_KINDS = ("overview", "aim", "theme")  # the pages the board PDF carries


def chapter_id(chapter: Page) -> str:
    return f"page-{chapter.file.removesuffix('.html')}"


def print_page(file: str, title: str, chapters: Sequence[tuple[Page, str]],
               pages: Sequence[Page], subtitle: str, trust: str, banner: str) -> str:
    """A print page: a contents list, then each page's body as a chapter starting on a new sheet;
    its links (the trust panel's too) made internal."""
    contents = "".join(f'<li><a href="#{chapter_id(p)}">{esc(p.title)}</a></li>' for p, _ in chapters)
    text = (f'<section class="contents" aria-labelledby="contents"><h2 id="contents">Contents</h2>'
            f"<ol>{contents}</ol></section>"
            + "".join(f'<article class="chapter" id="{chapter_id(p)}" '
                      f'aria-labelledby="{chapter_id(p)}-title"><h1 id="{chapter_id(p)}-title">'
                      f"{esc(p.title)}</h1>{body}</article>" for p, body in chapters))
    # every chart drawn at load: Chromium prints the page as soon as it is loaded (pdf.py), and a
    # chart left to be drawn on scrolling would print as a blank box
    whole = page(Page(file, title, "print"), pages, subtitle, text, trust, banner, draw_all=True)
    return internal_links(whole, {p.file: chapter_id(p) for p, _ in chapters})


LINK = re.compile(r'<a href="([^"#:]*)(#[^"]*)?"([^>]*)>(.*?)</a>', re.S)


def internal_links(text: str, chapters: dict[str, str]) -> str:
    """Point each relative link at its target inside `text`: the anchor itself when it is there,
    else the chapter of its page; unwrap a link whose page is not printed. Links with a scheme
    (https:) and in-page anchors are left as they are."""
    ids = set(re.findall(r'\sid="([^"]+)"', text))

    def relink(match: re.Match) -> str:
        file, anchor, attributes, label = match.groups()
        if not file:  # "#anchor": already within the document
            return match.group(0)
        if anchor and anchor[1:] in ids:
            return f'<a href="{anchor}"{attributes}>{label}</a>'
        if file in chapters:
            return f'<a href="#{chapters[file]}"{attributes}>{label}</a>'
        return label

    return LINK.sub(relink, text)


def board_summary(pub: Published, layout: Layout, summarised: Page) -> str:
    """One chapter of the board PDF for an aim or theme page: its opening paragraph and the status
    table (the overview's columns: overview.status_table) of the indicators that live on it."""
    statuses = [indicator_status(pub, meta) for meta in published_indicators(pub)
                if layout.home(meta) == summarised]
    href = {s.meta["id"]: indicator_href(layout, s.meta) for s in statuses}
    return (f"<p>{esc(summarised.intro)}</p>"
            + status_table(f"{chapter_id(summarised)}-table",
                           f"{summarised.title}: where each indicator on this page stands, whole "
                           "ICS, latest period of each; charts and tables in the annex",
                           statuses, href))

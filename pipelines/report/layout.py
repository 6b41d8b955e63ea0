"""The board pack's page list, read from pages.yml, and the page each indicator lives on.

Which pages exist, their order, titles and intros are configuration; which indicators a page shows
follows from the indicators' metadata (theme, else aim). So a theme page is added in pages.yml
alone, and a page that names something the metadata lacks is an error, not an empty page."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

import yaml

from pipelines.config import PROJECT_ROOT

PAGES_FILE = Path(__file__).with_name("pages.yml")
KINDS = ("overview", "aim", "theme", "data_quality", "methods")


class LayoutError(ValueError):
    """The page config or the metadata names something that does not exist."""


@dataclass(frozen=True)
class Page:
    file: str
    title: str
    kind: str  # one of KINDS (the print page, made in board_pack.py, is kind "print")
    aim: int | None = None
    theme: str | None = None
    intro: str = ""
    charts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    pages: tuple[Page, ...]
    source: str  # where the pages were read from, for error messages

    def of_kind(self, kind: str) -> list[Page]:
        return [p for p in self.pages if p.kind == kind]

    def home(self, meta: dict) -> Page:
        """The page that carries an indicator's full section: its theme's page, else its aim's."""
        for kind in ("theme", "aim"):
            for page in self.of_kind(kind):
                if getattr(page, kind) == meta.get(kind):
                    return page
        raise LayoutError(
            f"indicator {meta['id']} ({meta.get('model', 'meta.indicator')}): no page in "
            f"{self.source} shows its theme {meta.get('theme')!r} or its aim {meta.get('aim')!r}")


def _page(entry: dict, source: str) -> Page:
    known = {f.name for f in fields(Page)}
    where = f"{source}: page {entry.get('file', entry)!r}"
    if unknown := set(entry) - known:
        raise LayoutError(f"{where} has unknown keys {sorted(unknown)} (known: {sorted(known)})")
    if missing := {"file", "title", "kind"} - set(entry):
        raise LayoutError(f"{where} lacks {sorted(missing)}")
    if entry["kind"] not in KINDS:
        raise LayoutError(f"{where} has kind {entry['kind']!r}; kinds are {', '.join(KINDS)}")
    if entry["kind"] in ("aim", "theme") and entry.get(entry["kind"]) is None:
        raise LayoutError(f"{where} has kind {entry['kind']} but no {entry['kind']}")
    return Page(**{**entry, "charts": tuple(entry.get("charts", ()))})


def parse_layout(text: str, source: str) -> Layout:
    raw = yaml.safe_load(text) or {}
    pages = tuple(_page(entry, source) for entry in raw.get("pages", []))
    for key in ("file", "aim", "theme"):
        values = [getattr(p, key) for p in pages if getattr(p, key) is not None]
        if duplicated := sorted({str(v) for v in values if values.count(v) > 1}):
            raise LayoutError(f"{source}: more than one page with {key} {', '.join(duplicated)}")
    return Layout(pages, source)


@cache
def load_layout(path: Path = PAGES_FILE) -> Layout:
    source = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
    return parse_layout(path.read_text(encoding="utf-8"), str(source))

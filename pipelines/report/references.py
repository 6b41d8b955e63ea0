"""Every id the board pack is told about must exist. The page config names aims and themes, the
metadata names related indicators, totals and places, and the published tables carry ids that the
metadata must describe. All are checked before a page is written, so a renamed id stops the report
with the id and where it was named, instead of silently dropping a chart or a section."""

from __future__ import annotations

from pipelines.report.charts import BY_PLACE_KEYS, PAGE_CHARTS
from pipelines.report.layout import Layout, LayoutError


def check_references(layout: Layout, indicators: dict[str, dict], series: dict[str, dict],
                     place_codes: set[str], published_ids: set[str] = frozenset(),
                     monthly_ids: set[str] = frozenset()) -> None:
    """Raise LayoutError listing every reference that does not resolve."""
    problems = (_pages(layout, indicators) + _homes(layout, indicators)
                + _series(series, indicators, place_codes)
                + _published(indicators, series, published_ids, monthly_ids))
    if problems:
        raise LayoutError("the board pack refers to what does not exist:\n  " + "\n  ".join(problems))


def _pages(layout: Layout, indicators: dict[str, dict]) -> list[str]:
    problems = [f"page {p.file} in {layout.source} asks for chart {name!r}; charts are "
                f"{', '.join(sorted(PAGE_CHARTS))}"
                for p in layout.pages for name in p.charts if name not in PAGE_CHARTS]
    for kind in ("aim", "theme"):
        known = {m.get(kind) for m in indicators.values()}
        problems += [f"page {p.file} in {layout.source} shows {kind} {getattr(p, kind)!r}, which "
                     f"no indicator's meta.indicator.{kind} has"
                     for p in layout.of_kind(kind) if getattr(p, kind) not in known]
    return problems


def _homes(layout: Layout, indicators: dict[str, dict]) -> list[str]:
    problems = []
    for meta in indicators.values():
        try:
            layout.home(meta)
        except LayoutError as error:
            problems.append(str(error))
    return problems


def _series(series: dict[str, dict], indicators: dict[str, dict], place_codes: set[str]) -> list[str]:
    problems = []
    for sid, meta in series.items():
        where = f"monthly series {sid} (meta.series of {meta.get('model', 'fct_monthly_activity')})"
        related, total = meta.get("related_indicator"), meta.get("sums_to")
        if related not in indicators:
            problems.append(f"{where}: related_indicator {related!r} is not an indicator id")
        if total and total.get("indicator") not in indicators:
            problems.append(f"{where}: sums_to.indicator {total.get('indicator')!r} is not an "
                            "indicator id")
        by_place = meta.get("by_place")
        if by_place and not total:
            problems.append(f"{where}: by_place needs sums_to (the indicator count it adds up to)")
        if by_place and (missing := BY_PLACE_KEYS - set(by_place)):
            problems.append(f"{where}: by_place lacks {', '.join(sorted(missing))}")
        if by_place and by_place.get("focus_place") not in place_codes:
            problems.append(f"{where}: by_place.focus_place {by_place.get('focus_place')!r} is not "
                            f"a place code ({', '.join(sorted(place_codes))})")
    return problems


def _published(indicators: dict[str, dict], series: dict[str, dict], published_ids: set[str],
               monthly_ids: set[str]) -> list[str]:
    """Ids in the published tables that the metadata does not describe, and declared series that
    the monthly table lacks (a series renamed on one side only)."""
    problems = [f"published.indicator_values has indicator {i!r}, which no model's meta.indicator "
                "describes" for i in sorted(published_ids - set(indicators))]
    problems += [f"published.monthly_activity has series {i!r}, which no meta.series describes"
                 for i in sorted(monthly_ids - set(series))]
    if monthly_ids:
        problems += [f"monthly series {i} (meta.series) has no rows in published.monthly_activity"
                     for i in sorted(set(series) - monthly_ids)]
    return problems

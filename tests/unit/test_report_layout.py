"""The board pack's page config and the ids it and the metadata name: where an indicator lives, and
that a missing or renamed id is an error naming the id and where it was named (never an empty
chart)."""

from __future__ import annotations

import pytest

from pipelines.report.layout import LayoutError, load_layout, parse_layout
from pipelines.report.references import check_references

PAGES = """
pages:
  - {file: index.html, title: Overview, kind: overview}
  - {file: aim-1.html, title: "Aim 1", kind: aim, aim: 1, intro: Outcomes.}
  - {file: aim-3.html, title: "Aim 3", kind: aim, aim: 3, charts: [deprivation_map]}
  - {file: eol.html, title: End of life, kind: theme, theme: end_of_life}
"""
INDICATORS = {
    "A1-01": {"id": "A1-01", "aim": 1, "theme": "children", "model": "ind_a1_01"},
    "A3-01": {"id": "A3-01", "aim": 3, "theme": "productivity", "model": "ind_a3_01"},
    "A3-03": {"id": "A3-03", "aim": 3, "theme": "end_of_life", "model": "ind_a3_03"},
}
BY_PLACE = {"focus_place": "mid_notts", "subject": "s", "chart_title": "t", "counted": "c",
            "counted_in_place": "p", "periods": "y"}
SERIES = {
    "EOL-ED": {"id": "EOL-ED", "related_indicator": "A3-03", "model": "fct_monthly_activity",
               "sums_to": {"indicator": "A3-03", "count": "numerator"}, "by_place": BY_PLACE},
    "ADMISSIONS": {"id": "ADMISSIONS", "related_indicator": "A3-01",
                   "model": "fct_monthly_activity"},
}
PLACES = {"mid_notts", "bassetlaw"}


def check(layout=None, indicators=INDICATORS, series=SERIES, **published):
    check_references(layout or parse_layout(PAGES, "pages.yml"), indicators, series, PLACES,
                     **published)


def error(**kwargs) -> str:
    with pytest.raises(LayoutError) as raised:
        check(**kwargs)
    return str(raised.value)


def test_an_indicator_lives_on_its_themes_page_else_on_its_aims():
    layout = parse_layout(PAGES, "pages.yml")
    assert layout.home(INDICATORS["A3-03"]).file == "eol.html"
    assert layout.home(INDICATORS["A3-01"]).file == "aim-3.html"
    assert layout.home(INDICATORS["A1-01"]).file == "aim-1.html"
    check()  # every reference resolves


def test_the_shipped_config_lists_the_pack_in_order():
    pages = load_layout().pages
    assert [p.file for p in pages][:2] == ["index.html", "aim-1.html"]
    assert [p.kind for p in pages].count("overview") == 1
    assert all(p.intro for p in pages if p.kind in ("aim", "theme"))


def test_a_page_showing_a_theme_no_indicator_has_is_an_error():
    layout = parse_layout(PAGES.replace("theme: end_of_life", "theme: end_of_lfe"), "pages.yml")
    message = error(layout=layout)
    assert "page eol.html in pages.yml shows theme 'end_of_lfe'" in message


def test_an_indicator_with_no_page_for_its_theme_or_aim_is_an_error():
    indicators = {**INDICATORS, "A4-01": {"id": "A4-01", "aim": 4, "theme": "social_care",
                                          "model": "ind_a4_01"}}
    message = error(indicators=indicators)
    assert "indicator A4-01 (ind_a4_01): no page in pages.yml shows its theme 'social_care' or " \
           "its aim 4" in message


@pytest.mark.parametrize(("change", "expected"), [
    ({"related_indicator": "A3-3"}, "monthly series EOL-ED (meta.series of fct_monthly_activity): "
                                    "related_indicator 'A3-3' is not an indicator id"),
    ({"sums_to": {"indicator": "A3-99", "count": "numerator"}},
     "monthly series EOL-ED (meta.series of fct_monthly_activity): sums_to.indicator 'A3-99' is "
     "not an indicator id"),
    ({"sums_to": None}, "EOL-ED (meta.series of fct_monthly_activity): by_place needs sums_to"),
    ({"by_place": {**BY_PLACE, "focus_place": "Mid-Nottinghamshire"}},
     "by_place.focus_place 'Mid-Nottinghamshire' is not a place code (bassetlaw, mid_notts)"),
    ({"by_place": {k: v for k, v in BY_PLACE.items() if k != "subject"}}, "by_place lacks subject"),
])
def test_a_series_naming_what_does_not_exist_is_an_error(change, expected):
    series = {**SERIES, "EOL-ED": {**SERIES["EOL-ED"], **change}}
    assert expected in error(series=series)


def test_a_page_asking_for_an_unknown_chart_is_an_error():
    layout = parse_layout(PAGES.replace("deprivation_map", "deprivation_mpa"), "pages.yml")
    assert "page aim-3.html in pages.yml asks for chart 'deprivation_mpa'" in error(layout=layout)


def test_ids_renamed_on_one_side_only_are_errors():
    """The published tables carry the ids the SQL wrote; the metadata must describe each."""
    check(published_ids={"A1-01", "A3-03"}, monthly_ids={"EOL-ED", "ADMISSIONS"})
    message = error(published_ids={"A1-01", "A1-1"}, monthly_ids={"EOL-ED", "ADMISSION"})
    assert "published.indicator_values has indicator 'A1-1', which no model's meta.indicator " \
           "describes" in message
    assert "published.monthly_activity has series 'ADMISSION'" in message
    assert "monthly series ADMISSIONS (meta.series) has no rows in published.monthly_activity" \
        in message


def test_every_problem_is_reported_at_once():
    series = {**SERIES, "ADMISSIONS": {**SERIES["ADMISSIONS"], "related_indicator": "X"}}
    layout = parse_layout(PAGES.replace("aim: 1, intro", "aim: 2, intro"), "pages.yml")
    message = error(layout=layout, series=series)
    assert "related_indicator 'X'" in message and "shows aim 2" in message \
        and "indicator A1-01 (ind_a1_01): no page" in message


@pytest.mark.parametrize(("pages", "expected"), [
    ("pages:\n  - {file: a.html, title: A, kind: aims, aim: 1}", "page 'a.html' has kind 'aims'"),
    ("pages:\n  - {file: a.html, title: A, kind: theme}", "page 'a.html' has kind theme but no theme"),
    ("pages:\n  - {file: a.html, title: A, kind: aim, aim: 1, colour: red}",
     "page 'a.html' has unknown keys ['colour']"),
    ("pages:\n  - {file: a.html, kind: overview}", "page 'a.html' lacks ['title']"),
    ("pages:\n  - {file: a.html, title: A, kind: aim, aim: 1}\n"
     "  - {file: b.html, title: B, kind: aim, aim: 1}", "more than one page with aim 1"),
])
def test_a_malformed_page_config_is_an_error(pages, expected):
    with pytest.raises(LayoutError) as raised:
        parse_layout(pages, "pages.yml")
    assert "pages.yml" in str(raised.value) and expected in str(raised.value)

"""The pack's chart and icon colours meet WCAG AA contrast on the white they are drawn on: text
4.5:1, meaningful marks 3:1 (axe-core does not check SVG, so these are checked here and, drawn, by
tests/e2e/test_board_pack_access.py)."""

from __future__ import annotations

import pytest

from pipelines.report import colours, figures, html
from pipelines.report.colours import MARK_CONTRAST, TEXT_CONTRAST, contrast


def test_contrast_matches_wcag_reference_values():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#FFFFFF") == pytest.approx(1.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest grey passing AA
    assert contrast("#41B6E6") < MARK_CONTRAST  # the published MDC blue: too light for a mark


@pytest.mark.parametrize("name", ["MDC_IMPROVEMENT", "MDC_CONCERN", "MDC_NEUTRAL",
                                  "MDC_COMMON_CAUSE", "NHS_DARK_GREY", "NHS_BLACK", "NHS_BLUE"])
def test_icon_and_chart_text_colours_reach_4_5_to_1(name):
    assert contrast(getattr(colours, name)) >= TEXT_CONTRAST, name


def test_the_icons_and_spc_signals_draw_with_those_colours():
    icon_colours = {c for c, _, _ in [*html._VARIATION.values(), *html._ASSURANCE.values()]}
    signal_colours = {c for c, _, _ in figures.SIGNAL_STYLE.values()}
    for colour in icon_colours | signal_colours | {colours.ICS_LINE, figures.PROVISIONAL_STYLE[0]}:
        assert contrast(colour) >= TEXT_CONTRAST, colour


def test_every_line_and_dot_colour_is_a_mark_of_3_to_1():
    marks = [*figures.CATEGORY_COLOURS, colours.ICS_TREND, *figures.DOT_COLOURS.values()]
    weak = [c for c in marks if contrast(c) < MARK_CONTRAST]
    assert weak == []

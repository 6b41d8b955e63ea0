"""The board pack's maps: each area classed by its confidence limits against the ICS value, withheld
areas a hatched class of their own, every area named on hover (and on the map when there are few),
colours that keep their contrast, and a figure shaped like the area it draws."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipelines.report import figures, maps
from pipelines.report.colours import luminance
from pipelines.report.maps import WITHHELD, MapArea
from pipelines.statistics.benchmark import BETTER, HIGHER, LOWER, NOT_COMPARED, SIMILAR, WORSE

NAN = math.nan
# area, value, 95% limits, 99.8% limits; against an ICS value of 20
ROWS = pd.DataFrame(
    [("high", 30.0, 25.0, 35.0, 22.0, 38.0),
     ("low", 12.0, 10.0, 14.0, 8.0, 16.0),
     ("close", 21.0, 18.0, 24.0, 16.0, 26.0),
     ("only_95", 23.0, 21.0, 25.0, 19.0, 27.0),  # outside its 95% limits, inside its 99.8%
     ("suppressed", NAN, NAN, NAN, NAN, NAN)],
    columns=["area_code", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"])


def test_areas_are_classed_by_their_998_limits_against_the_ics_with_polarity():
    assert maps.compare_with_ics(ROWS, 20.0, "lower_is_better") == {
        "high": WORSE, "low": BETTER, "close": SIMILAR, "only_95": SIMILAR}
    assert maps.compare_with_ics(ROWS, 20.0, "higher_is_better")["high"] == BETTER


def test_without_polarity_areas_are_higher_or_lower_and_without_an_ics_value_not_compared():
    assert maps.compare_with_ics(ROWS, 20.0, "not_applicable") == {
        "high": HIGHER, "low": LOWER, "close": SIMILAR, "only_95": SIMILAR}
    assert set(maps.compare_with_ics(ROWS, None, "lower_is_better").values()) == {NOT_COMPARED}


def test_an_area_without_a_published_value_is_drawn_withheld():
    areas = maps.map_areas("local_authority", {"E07000170": WORSE}, {"E07000170": "30.0%"})
    by_name = {area.name: area for area in areas}
    assert len(areas) == 8
    assert (by_name["Ashfield"].shade, by_name["Ashfield"].detail) == (WORSE, "30.0%")
    assert (by_name["Rushcliffe"].shade, by_name["Rushcliffe"].detail) == (WITHHELD, "No published value")


def square(code: str, name: str, shade: str, left: int, width: int = 10, height: int = 10) -> MapArea:
    xs, ys = [left, left + width, left + width, left, left, None], [0, 0, height, height, 0, None]
    return MapArea(code, name, (xs, ys), (left + width / 2, height / 2), shade, f"{shade} detail")


AREAS = [square("a", "Ashfield", WORSE, 0), square("b", "Bassetlaw", SIMILAR, 10),
         square("g", "Gedling", WORSE, 20), square("r", "Rushcliffe", WITHHELD, 30)]
ORDER = list(figures.COMPARISON_COLOURS)


def test_the_text_equivalent_names_every_area_by_class_and_the_title_those_that_differ():
    assert maps.in_words(AREAS, ORDER) == (
        f"Similar: Bassetlaw; Worse: Ashfield and Gedling; {WITHHELD}: Rushcliffe")
    assert maps.differences(AREAS, ORDER, "local authority") == "worse in Ashfield and Gedling"
    assert maps.differences(AREAS[1:2], ORDER, "place") == "no place differs clearly from the ICS"


def test_the_map_names_each_area_on_hover_and_hatches_the_withheld_in_the_legend():
    fig = figures.choropleth(AREAS, figures.COMPARISON_COLOURS, "Title", "Source", "Legend",
                             labelled=True)
    filled = {trace.name: trace for trace in fig.data if trace.fill == "toself"}
    assert list(filled) == [SIMILAR, WORSE, WITHHELD]  # legend order; no empty classes
    assert filled[WITHHELD].fillpattern.shape == "/"
    assert filled[WORSE].fillpattern.shape is None
    assert filled[WORSE].fillcolor == figures.COMPARISON_COLOURS[WORSE]
    assert filled[WORSE].x.count(None) == 2  # Ashfield's and Gedling's rings
    [points] = [trace for trace in fig.data if trace.mode == "markers"]
    assert points.hovertext[0] == f"<b>Ashfield</b><br>{WORSE} detail"
    assert points.showlegend is False
    labels = [a.text for a in fig.layout.annotations if a.xref == "x"]
    assert labels == ["Ashfield", "Bassetlaw", "Gedling", "Rushcliffe"]
    assert fig.layout.yaxis.scaleanchor == "x"


def test_hundreds_of_areas_are_not_labelled_and_a_tall_area_gets_a_taller_map():
    wide = figures.choropleth(AREAS, figures.COMPARISON_COLOURS, "T", "S", "L")
    assert [a.text for a in wide.layout.annotations if a.xref == "x"] == []
    tall = figures.choropleth([square("t", "Tall", SIMILAR, 0, 10, 15)],
                              figures.COMPARISON_COLOURS, "T", "S", "L")
    assert wide.layout.height < tall.layout.height
    margins = tall.layout.margin.t + tall.layout.margin.b
    assert tall.layout.height - margins == max(figures.MAP_HEIGHT_PX)  # 1.5 x 1000 px, capped


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("shade", [BETTER, WORSE, HIGHER, LOWER])
def test_a_difference_stands_out_from_similar_and_from_the_page(shade):
    colour = figures.COMPARISON_COLOURS[shade]
    assert contrast(colour, figures.COMPARISON_COLOURS[SIMILAR]) >= 3
    assert contrast(colour, "#FFFFFF") >= 3


def test_higher_and_lower_without_polarity_are_3_to_1_apart():
    assert contrast(figures.COMPARISON_COLOURS[HIGHER], figures.COMPARISON_COLOURS[LOWER]) >= 3


def test_deprivation_quintiles_darken_in_order_and_none_is_grey():
    lightness = [luminance(figures.QUINTILE_COLOURS[q]) for q in "12345"]
    assert lightness == sorted(lightness)
    for q in "12345":  # a saturated colour: its channels a quarter of the range apart or more
        channels = [int(figures.QUINTILE_COLOURS[q][i:i + 2], 16) for i in (1, 3, 5)]
        assert max(channels) - min(channels) >= 64, q

"""The board pack's charts (pipelines/report/figures.py): what each makes the reader see first."""

from __future__ import annotations

import pandas as pd

from pipelines.report import figures
from pipelines.report.colours import ICS_TREND
from pipelines.statistics.benchmark import BETTER, SIMILAR, WORSE

META = {"id": "X-01", "short_title": "X", "unit": "%", "polarity": "higher_is_better",
        "period_type": "financial_year", "value_type": "proportion"}


def _area(code, name, kind, value, half):
    return {"area_code": code, "area_name": name, "area_type": kind, "value": value,
            "lower_ci95": value - half, "upper_ci95": value + half,
            "lower_ci998": value - 1.6 * half, "upper_ci998": value + 1.6 * half}


def test_the_dot_chart_runs_from_highest_to_lowest_coloured_by_its_comparison_with_the_ics():
    rows = pd.DataFrame([_area("A", "Ashfield", "local_authority", 30.0, 1.0),    # worse
                         _area("B", "Bassetlaw", "place", 50.0, 1.0),            # similar
                         _area("C", "City", "place", 70.0, 1.0)])                # better
    fig = figures.area_comparison(rows, 50.0, META, "title", "source")
    # categories are drawn bottom-up: the lowest first, so the highest is at the top
    assert list(fig.layout.yaxis.categoryarray) == ["Ashfield (LA)", "Bassetlaw (place)",
                                                    "City (place)"]
    dots = {t.name: (t.marker.color, list(t.y)) for t in fig.data if t.showlegend is not False}
    assert dots == {f"{WORSE} than the ICS": (figures.DOT_COLOURS[WORSE], ["Ashfield (LA)"]),
                    "Similar to the ICS": (figures.DOT_COLOURS[SIMILAR], ["Bassetlaw (place)"]),
                    f"{BETTER} than the ICS": (figures.DOT_COLOURS[BETTER], ["City (place)"])}


def test_the_ics_line_comes_first_and_thickest():
    rows = pd.DataFrame([{**_area(c, n, k, v, 1.0), "period": p}
                         for c, n, k in (("P", "Bassetlaw", "place"), ("I", "ICB", "ics"))
                         for p, v in (("2019/20", 40.0), ("2020/21", 42.0))])
    fig = figures.trend_by_area(rows, META, "title", "source")
    assert [t.name for t in fig.data] == ["ICB (ICS)", "Bassetlaw"]
    assert fig.data[0].line.width > fig.data[1].line.width
    assert fig.data[0].line.color == ICS_TREND
    # a place keeps the colour it has in the count chart of the same page
    counts = figures.counts_by_area(rows[rows["area_type"] == "place"].assign(numerator=10), "n",
                                    "title", "source")
    assert fig.data[1].line.color == counts.data[0].line.color == figures.CATEGORY_COLOURS[0]

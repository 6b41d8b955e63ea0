"""A monthly series' XmR chart as the board pack shows it (pipelines/report/spc_series.py): re-based
at the recorded system change (March 2020), provisional months shown but left out of the limits and
signals, the monthly chart and the overview's icons from the same function, the y-axis fitted to
the data. On a hand-made published layer: no warehouse, no demo build."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipelines.report import figures
from pipelines.report.charts import spc_section
from pipelines.report.published import Published
from pipelines.report.spc_series import (
    PROVISIONAL_POINT,
    UNDERCOUNTED_POINT,
    ics_monthly_spc,
    system_changes,
)
from pipelines.report.status import indicator_status
from pipelines.statistics.spc import direction_for, spc

# 2019-04 to 2022-03: 11 months around 100, then (COVID-19) 25 months around 60, alternating +/- 5
MONTHS = [f"{2019 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(36)]
BEFORE = MONTHS.index("2020-03")
COUNTS = [(100.0 if i < BEFORE else 60.0) + (5 if i % 2 else -5) for i in range(36)]
INDICATOR = {"id": "A-01", "aim": 3, "theme": "none", "title": "Admissions", "short_title": "Admissions",
             "unit": "%", "polarity": "lower_is_better", "value_type": "proportion",
             "period_type": "financial_year"}
SERIES = {"id": "ADM", "title": "Emergency admissions", "short_title": "Admissions",
          "unit": "admissions", "polarity": "lower_is_better", "period_note": "by month of admission",
          "related_indicator": "A-01"}
YEARS = (2019, 2020, 2021)


def published(counts=COUNTS, provisional_years=(), undercounted=0) -> Published:
    values = pd.DataFrame([
        {"indicator_id": "A-01", "period": f"{y}/{(y + 1) % 100:02d}", "period_type": "financial_year",
         "period_start": pd.Timestamp(y, 4, 1), "period_end": pd.Timestamp(y + 1, 3, 31),
         "area_type": "ics", "breakdown": "all", "value": 50.0, "lower_ci95": 48.0,
         "upper_ci95": 52.0, "lower_ci998": 47.0, "upper_ci998": 53.0,
         "is_provisional": y in provisional_years} for y in YEARS])
    inequality = pd.DataFrame({"indicator_id": "A-01", "area_type": "ics", "period": values["period"],
                               "sii": 1.0, "sii_lower_ci95": 0.0, "sii_upper_ci95": 2.0})
    empty = pd.DataFrame()
    return Published(
        indicators={"A-01": INDICATOR}, series={"ADM": SERIES}, values=values, inequality=inequality,
        monthly=pd.DataFrame({"indicator_id": "ADM", "area_type": "ics", "period": MONTHS,
                              "value": counts,
                              "is_lookback_incomplete": [i < undercounted for i in range(36)]}),
        data_quality=empty, source_batches=empty, lsoa_deprivation=empty,
        england=pd.DataFrame(columns=["indicator_id", "period", "value"]),
        built_at=datetime(2022, 6, 1))


def test_the_baseline_config_records_march_2020_for_every_series():
    (covid,) = [c for c in system_changes() if c.month == "2020-03"]
    assert covid.applies("ADM") and "COVID-19" in covid.reason and covid.source


def test_a_series_spanning_march_2020_is_rebased_there():
    monthly = ics_monthly_spc(published(), SERIES)
    chart = monthly.chart
    assert [c.month for c in monthly.rebased_at] == ["2020-03"]
    assert chart.rebase_group.count(0) == BEFORE == 11  # April 2019 to February 2020
    assert monthly.settled_months[chart.rebase_group.index(1)] == "2020-03"
    assert (chart.mean[0], chart.mean[-1]) == (pytest.approx(100.0, abs=0.5), pytest.approx(60.0))
    # re-based, the latest month is common cause; not re-based, the COVID dip reads as improvement
    assert chart.variation_icon == "common_cause"
    unrebased = spc(chart.values, direction_for(SERIES["polarity"]))
    assert unrebased.variation_icon == "improvement_low"
    # the first group is short: its limits are trial limits
    assert chart.short_group_warning[0] and not chart.short_group_warning[-1]


def test_a_provisional_last_month_is_marked_and_left_out_of_the_limits_and_signals():
    # a last month far above the limits: were it judged, it would be a special cause of concern
    counts = [*COUNTS[:-1], 500.0]
    monthly = ics_monthly_spc(published(counts), SERIES)
    assert monthly.provisional == (False,) * 35 + (True,)
    assert monthly.months[-1] == "2022-03" and monthly.values[-1] == 500.0  # present
    assert monthly.point_kinds[-1] == PROVISIONAL_POINT
    assert 500.0 not in monthly.chart.values and len(monthly.chart.values) == 35
    assert monthly.chart.upl[-1] == pytest.approx(60 + 2.66 * 10)  # limits of the settled months
    assert monthly.chart.variation_icon == "common_cause"
    fig = figures.spc_chart(monthly, SERIES, "title", "source")
    (hollow,) = [t for t in fig.data if t.name == figures.PROVISIONAL_STYLE[2]]
    assert (list(hollow.x), list(hollow.y), hollow.marker.symbol) == (["2022-03"], [500.0],
                                                                       "circle-open")
    assert hollow.showlegend is not False


def test_months_of_a_provisional_period_of_the_related_indicator_are_provisional():
    monthly = ics_monthly_spc(published(provisional_years=(2021,)), SERIES)
    assert [m for m, p in zip(monthly.months, monthly.provisional, strict=True) if p] == MONTHS[-12:]
    assert monthly.settled_months == tuple(MONTHS[:-12])


def test_the_chart_and_the_overview_read_the_same_chart():
    pub = published()
    (overview,) = indicator_status(pub, INDICATOR).monthly
    monthly = ics_monthly_spc(pub, SERIES)
    assert overview.chart == monthly.chart and overview.months == monthly.settled_months
    html = spc_section(pub, SERIES)
    assert "Re-based at 2020-03 (COVID-19" in html
    assert "Provisional (2022-03, hollow circles)" in html
    assert "Trial limits for 2019-04 to 2020-02: fewer than 13 months" in html
    # the table's latest settled month: common cause, as the overview's icon says
    assert ('2022-02</td><td class="count">55</td><td>Common cause</td>' in html
            and '2022-03</td><td class="count">65</td><td>Provisional month (not judged)</td>' in html)


def test_the_y_axis_fits_the_data_and_limits_break_at_the_rebase():
    fig = figures.spc_chart(ics_monthly_spc(published(), SERIES), SERIES, "title", "source")
    assert fig.layout.yaxis.rangemode == "normal"
    means = [t for t in fig.data if t.legendgroup == "mean"]
    assert [(t.x[0], t.x[-1]) for t in means] == [("2019-04", "2020-02"), ("2020-03", "2022-03")]
    assert [t.showlegend for t in means] == [True, False]
    assert [(a.x, a.text) for a in fig.layout.annotations if a.text.startswith("Re-based")] == [
        ("2020-03", "Re-based: COVID-19: NHS services<br>changed from March 2020")]


def test_undercounted_first_months_are_marked_and_left_out_of_the_limits_and_signals():
    """The first months of an end-of-life series count deaths whose look-back starts before the
    data (published is_lookback_incomplete): low by construction, so never a signal."""
    counts = [10.0, 20.0, 30.0, *COUNTS[3:]]  # far below the limits, were they judged
    monthly = ics_monthly_spc(published(counts, undercounted=3), SERIES)
    assert monthly.point_kinds[:3] == [UNDERCOUNTED_POINT] * 3 and monthly.values[:3] == (10, 20, 30)
    assert monthly.settled_months == tuple(MONTHS[3:-1])  # the last month: provisional
    assert 10.0 not in monthly.chart.values and len(monthly.chart.values) == 32
    assert monthly.per_month("mean")[:3] == [None] * 3  # no limits before the first judged month
    html = spc_section(published(counts, undercounted=3), SERIES)
    assert "Undercounted (2019-04 to 2019-06, hollow diamonds)" in html
    fig = figures.spc_chart(monthly, SERIES, "title", "source")
    (hollow,) = [t for t in fig.data if t.name == figures.UNDERCOUNTED_STYLE[2]]
    assert list(hollow.x) == MONTHS[:3] and hollow.marker.symbol == "diamond-open"

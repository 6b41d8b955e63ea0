"""The overview page on a hand-made published layer: per aim a status table, and first what needs
the board's attention - a planted widening gap and a planted special-cause concern appear there, a
quiet indicator does not."""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest

from pipelines.report.layout import parse_layout
from pipelines.report.overview import overview_body
from pipelines.report.published import Published
from pipelines.report.status import indicator_status
from pipelines.statistics.spc import MIN_POINTS_FOR_ICONS

PAGES = """
pages:
  - {file: index.html, title: Overview, kind: overview}
  - {file: aim-1.html, title: "Aim 1: Outcomes", kind: aim, aim: 1, intro: Outcomes.}
  - {file: aim-2.html, title: "Aim 2: Inequalities", kind: aim, aim: 2, intro: Inequalities.}
  - {file: aim-3.html, title: "Aim 3: Productivity", kind: aim, aim: 3, intro: Value.}
"""
YEARS = range(2019, 2024)  # five financial years, 2019/20 to 2023/24


def _meta(indicator_id: str, aim: int, title: str, **extra) -> dict:
    return {"id": indicator_id, "aim": aim, "theme": "none", "title": title, "short_title": title,
            "unit": "%", "polarity": "higher_is_better", "value_type": "proportion",
            "period_type": "financial_year", **extra}


INDICATORS = {
    "Q-01": _meta("Q-01", 1, "Quiet indicator"),
    "GAP-01": _meta("GAP-01", 2, "Widening gap indicator"),
    "MON-01": _meta("MON-01", 3, "Monthly concern indicator", polarity="lower_is_better"),
}
SERIES = {"MON-S": {"id": "MON-S", "title": "Monthly admissions", "short_title": "Admissions",
                    "unit": "admissions", "polarity": "lower_is_better",
                    "related_indicator": "MON-01"}}
# flat within the noise of their 95% limits (+/- 2 points): no significant trend
FLAT = [50.0, 50.4, 49.8, 50.2, 50.0]
WIDENING_SII = [2.0, 3.0, 4.0, 5.0, 6.0]  # +/- 0.5: a gap growing by a point a year
QUIET_SII = [2.0, 2.2, 1.9, 2.1, 2.0]  # +/- 1
# 24 months: a year around 100, then a year around 130, more admissions (lower is better)
MONTHS = [f"{2021 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
ADMISSIONS = [100 + (5 if i % 2 else -5) + (30 if i >= 12 else 0) for i in range(24)]


def _fy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _values() -> pd.DataFrame:
    rows = [{"indicator_id": i, "period": _fy(y), "period_start": pd.Timestamp(y, 4, 1),
             "period_end": pd.Timestamp(y + 1, 3, 31), "area_type": "ics", "breakdown": "all",
             "value": v, "lower_ci95": v - 2, "upper_ci95": v + 2, "lower_ci998": v - 3,
             "upper_ci998": v + 3}
            for i in INDICATORS for y, v in zip(YEARS, FLAT, strict=True)]
    return pd.DataFrame(rows)


def _inequality() -> pd.DataFrame:
    rows = [{"indicator_id": i, "area_type": "ics", "period": _fy(y), "sii": s,
             "sii_lower_ci95": s - half, "sii_upper_ci95": s + half}
            for i, series, half in (("Q-01", QUIET_SII, 1.0), ("GAP-01", WIDENING_SII, 0.5),
                                    ("MON-01", QUIET_SII, 1.0))
            for y, s in zip(YEARS, series, strict=True)]
    return pd.DataFrame(rows)


def published(admissions: list[float] = ADMISSIONS) -> Published:
    empty = pd.DataFrame()
    return Published(
        indicators=INDICATORS, series=SERIES, values=_values(), inequality=_inequality(),
        monthly=pd.DataFrame({"indicator_id": "MON-S", "area_type": "ics",
                              "period": MONTHS[-len(admissions):], "value": admissions}),
        data_quality=empty, source_batches=empty, lsoa_deprivation=empty,
        # England 47.5: below the quiet indicator's 2023/24 95% limits (48 to 52), not its 99.8%
        england=pd.DataFrame({"indicator_id": ["Q-01"], "period": ["2023/24"], "value": [47.5]}),
        built_at=datetime(2024, 6, 1))


def attention_section(html: str) -> str:
    return html[:html.index('<section aria-labelledby="how">')]


def test_a_widening_gap_and_a_special_cause_concern_need_the_boards_attention():
    html = overview_body(published(), parse_layout(PAGES, "pages.yml"))
    attention = attention_section(html)
    assert "What needs the board's attention" in attention
    items = re.findall(r'<li class="attention">(.*?)</li>', attention)
    assert len(items) == 2
    gap, concern = items  # in aim order: GAP-01 (aim 2), MON-01 (aim 3)
    assert 'href="aim-2.html#GAP-01"' in gap
    assert "gap between the most and least deprived is widening" in gap
    assert "went from 2.0 to 6.0 percentage points over the last 5 periods" in gap
    assert "Since: 2019/20." in gap and "Where: Whole ICS." in gap
    assert "Question to ask:" in gap
    assert 'href="aim-3.html#MON-01"' in concern
    assert "Monthly admissions: the latest months are unusually high" in concern
    # the run above the mean starts with the first month of the higher year
    assert "Since: 2022-01." in concern
    assert "What has changed in Monthly concern indicator since then" in concern
    assert "Quiet indicator" not in attention


def test_each_aim_has_a_status_table_with_every_indicator_of_the_aim():
    html = overview_body(published(), parse_layout(PAGES, "pages.yml"))
    tables = re.findall(r'<section aria-labelledby="aim(\d)">.*?<table class="status">(.*?)</table>',
                        html, re.S)
    assert [aim for aim, _ in tables] == ["1", "2", "3"]
    quiet = tables[0][1]
    assert '<th scope="row" class="text"><a href="aim-1.html#Q-01">Q-01 Quiet indicator</a></th>' in quiet
    assert "<td>50.0% (2023/24)</td>" in quiet
    assert "<strong>Better</strong> than 47.5% (2023/24)" in quiet  # outside 95%, inside 99.8%
    assert "No significant change" in quiet
    # five yearly points: no variation icon, said in words (why: under "How to read the tables")
    assert 'Too few points <span class="meta reason">(5 yearly)</span>' in quiet
    assert f"{MIN_POINTS_FOR_ICONS} points (monthly figures)" in html
    assert 'role="img"' not in quiet
    assert '<svg class="spark" width="96" height="24" aria-hidden="true"' in quiet
    assert "Values: 2019/20 50.0%, 2020/21 50.4%, 2021/22 49.8%, 2022/23 50.2%, 2023/24 50.0%" in quiet
    assert "Widening" in tables[1][1]
    assert 'aria-label="Special cause variation: concern (higher)"' in tables[2][1]


def test_a_monthly_series_too_short_for_icons_raises_no_concern():
    short = published(ADMISSIONS[-(MIN_POINTS_FOR_ICONS - 1):])
    status = indicator_status(short, INDICATORS["MON-01"])
    assert status.monthly[0].chart.variation_icon is None
    assert status.attention == ()


@pytest.mark.parametrize(("values", "kind"), [
    ([60.0, 58.0, 55.0, 52.0, 49.0], "worsening"),  # higher is better, falling 2-3 points a year
    (FLAT, "missed_target"),  # 50% against a target of 75%
])
def test_a_worsening_trend_and_a_missed_target_need_attention(values, kind):
    pub = published()
    pub.values.loc[pub.values["indicator_id"] == "Q-01", "value"] = values
    pub.values.loc[pub.values["indicator_id"] == "Q-01", ["lower_ci95", "upper_ci95"]] = \
        [[v - 0.5, v + 0.5] for v in values]
    meta = {**INDICATORS["Q-01"], "target": {"value": 75, "source": "a national ambition"}}
    status = indicator_status(pub, meta)
    assert kind in [a.kind for a in status.attention]
    if kind == "missed_target":
        (missed,) = status.attention
        assert missed.what.startswith("50.0% in 2023/24 against a target of 75.0% (a national "
                                      "ambition). On the current trend, 2026/27 is off track")
        assert missed.since == "2019/20"


def test_a_period_whose_look_back_is_incomplete_takes_no_part_in_trend_gap_or_projection():
    """2019/20 undercounts (published is_lookback_incomplete): at 30%, against 50% after, it would
    be a significant rise and a steep projection. Left out, the latest five are not all valued (no
    trend) and the projection runs through the four complete years."""
    from pipelines.report.published import INCOMPLETE, label_periods
    from pipelines.statistics.trend import CANNOT_BE_CALCULATED, GAP_CANNOT_BE_CALCULATED

    values = _values()
    first = (values["indicator_id"] == "Q-01") & (values["period"] == "2019/20")
    values.loc[first, ["value", "lower_ci95", "upper_ci95"]] = [30.0, 28.0, 32.0]
    values["is_lookback_incomplete"] = first
    pub = published()
    values, inequality = label_periods(values, pub.inequality)
    status = indicator_status(Published(**{**pub.__dict__, "values": values,
                                           "inequality": inequality}), INDICATORS["Q-01"])
    assert status.periods[0] == "2019/20" + INCOMPLETE
    assert status.trend.marker == CANNOT_BE_CALCULATED
    assert status.gap.direction == GAP_CANNOT_BE_CALCULATED  # its 2019/20 gap left out too
    assert status.projection.points_used == 4
    assert 45 < status.projection.value < 55  # flat, not the 30 -> 50 climb
    # the sparkline starts at the first complete year; its words keep the labelled value
    html = overview_body(Published(**{**pub.__dict__, "values": values, "inequality": inequality}),
                         parse_layout(PAGES, "pages.yml"))
    row = html[html.index("Q-01 Quiet indicator"):]
    row = row[:row.index("</tr>")]
    assert '<polyline points="24.0,' in row and '"0.0,' not in row
    assert "Values: 2019/20 (incomplete) 30.0%" in row


def test_the_printed_summary_and_the_overview_word_an_untested_trend_alike():
    """Four periods: too few for the recent trend. Both say 'Not tested' (the overview adds why)."""
    from pipelines.report.printed import board_summary
    from pipelines.report.status import NOT_TESTED

    pub = published()
    four = pub.values[pub.values["period"] != "2019/20"]
    pub = Published(**{**pub.__dict__, "values": four})
    layout = parse_layout(PAGES, "pages.yml")
    summary = board_summary(pub, layout, layout.pages[1])
    overview = overview_body(pub, layout)
    row = summary[summary.index("Q-01"):]
    row = row[:row.index("</tr>")]
    # the trend and gap cells, each "Not tested" with its reason
    assert row.count(f'<td class="text">{NOT_TESTED} <span class="meta reason">') == 2
    assert "Cannot be calculated" not in summary + overview
    assert f"{NOT_TESTED} <span" in overview

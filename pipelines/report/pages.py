"""The pages of the board pack, each built from the published data: the overview, the aim and
theme pages (with their extra charts: deprivation map, SPC charts, the end-of-life ED series), data
quality, and the trust panel every page carries. The methods page is in methods.py."""

from __future__ import annotations

import pandas as pd

from pipelines.report import figures, maps, narrative, spc
from pipelines.report.html import PAGES, count, esc, figure, table
from pipelines.report.published import POLICY, Published
from pipelines.report.sections import indicator_section, source_line, tile

AIMS = {
    1: "Improve outcomes in population health and healthcare: children's best start, frail older "
       "people keeping their independence, Make Every Contact Count.",
    2: "Tackle inequalities in outcomes, experience and access: the 20% most deprived "
       "(Core20PLUS5) and prevention - tobacco, alcohol, healthy weight, premature death from CVD, "
       "cancer and respiratory disease, suicide, severe mental illness.",
    3: "Increase productivity and value for money: avoidable emergency admissions and people at "
       "the end of life attending ED, dying in their preferred place.",
    4: "Support broader social and economic development: adults with care and support needs in "
       "paid work and settled accommodation.",
}
THEME_PAGES = {"end_of_life": "end-of-life.html", "care_homes": "care-homes.html",
               "personalised_care": "personalised-care.html"}
THEME_INTROS = {
    "end-of-life.html": "People in their last year of life: ED attendances and emergency "
                        "admissions in the last 90 days, place of death, dying where they chose, "
                        "advance care planning (Aim 3; NHS Personalised Care).",
    "care-homes.html": "Enhanced Health in Care Homes: emergency admissions of residents, care "
                       "plans and medication reviews, permanent admissions and reablement.",
    "personalised-care.html": "NHS Personalised Care: personalised care and support plans, "
                              "social prescribing, shared decision making and direct payments.",
}
MID_NOTTS = "Mid-Nottinghamshire"


def home_page(meta: dict) -> str:
    """The page that carries an indicator's full section."""
    return THEME_PAGES.get(meta.get("theme"), f"aim-{meta['aim']}.html")


def _published(pub: Published) -> list[dict]:
    present = set(pub.values["indicator_id"])
    return [m for m in pub.indicators.values() if m["id"] in present]


def overview(pub: Published) -> str:
    page_of = {m["id"]: home_page(m) for m in pub.indicators.values()}
    groups = []
    for aim, text in AIMS.items():
        tiles = "".join(tile(pub, m, page_of) for m in _published(pub)
                        if m["aim"] == aim and m.get("headline"))
        groups.append(f'<section aria-labelledby="aim{aim}"><h2 id="aim{aim}">'
                      f'<a href="aim-{aim}.html">Aim {aim}</a></h2><p>{esc(text)}</p>'
                      f'<div class="tiles">{tiles}</div></section>')
    return f"""
<section aria-labelledby="how"><h2 id="how">How to read this pack</h2>
<p>Each tile shows an indicator's latest value for the whole ICS, how it compares with the previous
year and between the most and least deprived fifths of the population, which places differ from the
ICS, and the NHS England <em>Making Data Count</em> icons: variation (common cause, or a special
cause of improvement or concern) and, where a target exists, assurance. A change or gap is only
described when the confidence intervals support it. Follow a tile's link for charts and tables.</p>
</section>
{''.join(groups)}"""


def aim_page(pub: Published, aim: int) -> str:
    mine = [m for m in _published(pub) if m["aim"] == aim]
    here = [m for m in mine if home_page(m) == f"aim-{aim}.html"]
    summary = pd.DataFrame([{
        "Indicator": f"{m['id']} {m['title']}",
        "Latest ICS value": _latest_value(pub, m),
        "Where": "this page" if m in here else next(p.title for p in PAGES if p.file == home_page(m)),
    } for m in mine])
    extra = ""
    if aim == 2:
        extra = deprivation_map(pub)
    if aim == 3:
        extra = spc_section(pub, "EMERGENCY-ADMISSIONS")
    return (f"<section><h2>Aim {aim}</h2><p>{esc(AIMS[aim])}</p>"
            f"{table(summary, f'Indicators of aim {aim}, latest financial year', 1)}</section>"
            + extra + "".join(indicator_section(pub, m, with_map=bool(m.get("headline")))
                              for m in here))


def _latest_value(pub: Published, meta: dict) -> str:
    ics = pub.indicator_values(meta["id"])
    ics = ics[(ics["area_type"] == "ics") & (ics["breakdown"] == "all")].sort_values("period")
    return "no data" if ics.empty else \
        f"{narrative.fmt(ics['value'].iloc[-1], meta['unit'])} ({ics['period'].iloc[-1]})"


def theme_page(pub: Published, file: str) -> str:
    mine = [m for m in _published(pub) if home_page(m) == file]
    extra = ""
    if file == "end-of-life.html":
        extra = eol_ed_series(pub) + spc_section(pub, "EOL-ED-DECEDENTS") \
            + spc_section(pub, "EOL-ED-ATTENDANCES")
    return (f"<section><h2>About this page</h2><p>{esc(THEME_INTROS[file])}</p></section>" + extra
            + "".join(indicator_section(pub, m, with_map=bool(m.get("headline"))) for m in mine))


def eol_ed_series(pub: Published) -> str:
    """People at the end of life attending ED (A3-03's numerator) by place since 2019/20 - the
    series the strategy quotes for Mid-Nottinghamshire (5,304 in 2019/20, 3,433 in 2021/22)."""
    meta = pub.indicators.get("A3-03")
    rows = pub.indicator_values("A3-03")
    rows = rows[(rows["breakdown"] == "all") & (rows["area_type"] == "place")]
    if meta is None or rows.empty:
        return ""
    mid = rows[rows["area_name"] == MID_NOTTS].sort_values("period")
    finding = "people at the end of life attending ED by place"
    if len(mid) > 1:
        first, last = mid.iloc[0], mid.iloc[-1]
        finding = (f"in {MID_NOTTS} the number of people who died having attended ED in their last "
                   "90 days " + narrative.describe_count_change(
                       first["numerator"], last["numerator"], first["period"], last["period"]))
    fig = figures.counts_by_area(rows, f"People (rounded to {POLICY.round_to})",
                                 f"End-of-life ED attendance: {finding}",
                                 source_line(meta, "financial years since 2019/20"))
    return ("<section><h2>People at the end of life attending ED, by place</h2>"
            + figure(fig, f"Line chart of the number of adults who died with an unplanned ED "
                          f"attendance in their last 90 days, by place and year: {finding}.")
            + table(_by_place_and_year(rows),
                    f"People at the end of life attending ED by place and year ({POLICY.in_words()})")
            + "</section>")


def _by_place_and_year(rows: pd.DataFrame) -> dict[str, list]:
    grid = rows.pivot_table(index="area_name", columns="period", values="numerator",
                            aggfunc="first", dropna=False)
    return {"Place": grid.index.tolist(),
            **{period: [count(v) for v in grid[period]] for period in grid.columns}}


def spc_section(pub: Published, series_id: str) -> str:
    """An XmR chart of a monthly series for the ICS, with the MDC rules applied."""
    meta = pub.series.get(series_id)
    rows = pub.monthly[(pub.monthly["indicator_id"] == series_id)
                       & (pub.monthly["area_type"] == "ics")].sort_values("period")
    rows = rows.dropna(subset=["value"])
    if meta is None or len(rows) < 2:
        return ""
    months = rows["period"].tolist()
    chart = spc.xmr(rows["value"].tolist())
    kinds = [_point_kind(chart, i, meta["polarity"]) for i in range(len(months))]
    finding = narrative.describe_spc(chart, months, meta["unit"])
    source = (f"Source: ICS linked extracts, {months[0]} to {months[-1]}, {meta['period_note']}; "
              "counts rounded to 5 after disclosure control. XmR limits: mean ± 2.66 × mean "
              "moving range.")
    return (f'<section id="{esc(series_id)}"><h2>{esc(meta["title"])}: monthly, whole ICS</h2>'
            f'<p class="meta">Statistical process control (XmR) chart with the Making Data Count '
            f"rules; related indicator {esc(meta['related_indicator'])}.</p>"
            + figure(figures.spc_chart(months, chart, kinds, meta,
                                       f"{meta['short_title']}, {finding}", source),
                     f"SPC chart of {meta['title']} by month. {finding}.")
            + table({"Month": months[-12:],
                     "Count": [count(v) for v in rows["value"].tolist()[-12:]],
                     "Signal": [SIGNAL_WORDS[k] for k in kinds[-12:]]},
                    f"Last 12 months (mean {chart.mean:.0f}, process limits {chart.lower:.0f} to "
                    f"{chart.upper:.0f})") + "</section>")


SIGNAL_WORDS = {"common_cause": "common cause", "improvement": "special cause: improvement",
                "concern": "special cause: concern", "neither": "special cause"}


def _point_kind(chart: spc.XmR, index: int, polarity: str) -> str:
    sides = {side for _, side in chart.signals.get(index, set())}
    if not sides:
        return "common_cause"
    if polarity not in ("higher_is_better", "lower_is_better"):
        return "neither"
    good = "high" if polarity == "higher_is_better" else "low"
    return "improvement" if sides == {good} else "concern"


def deprivation_map(pub: Published) -> str:
    """Where the Core20 live: IMD 2019 quintile of each LSOA (reference data, published)."""
    lsoas = pub.lsoa_deprivation
    outlines = maps.outlines("lsoa")
    labels = ["Q5 least deprived", "Q4", "Q3", "Q2", "Q1 most deprived (Core20)"]
    quintile = dict(zip(lsoas["lsoa11cd"], lsoas["imd_quintile"], strict=True))
    classes = {code: labels[5 - int(quintile[code])] if code in quintile else None
               for code in outlines}
    core20 = sum(1 for q in quintile.values() if q == 1)
    finding = (f"{core20} of the ICS's {len(quintile)} neighbourhoods (LSOAs) are among the 20% "
               "most deprived in England")
    fig = figures.choropleth(outlines, classes, labels, f"Deprivation: {finding}",
                             "Source: English Indices of Deprivation 2019 (MHCLG, OGL v3.0); ONS "
                             "LSOA 2011 boundaries (OGL v3.0, contains OS data © Crown copyright).",
                             "IMD 2019 quintile")
    by_place = lsoas.assign(core20=lsoas["imd_quintile"] == 1).groupby("place_name").agg(
        LSOAs=("lsoa11cd", "size"), Core20=("core20", "sum")).reset_index()
    return ("<section><h2>Where the most deprived fifth live</h2>"
            + figure(fig, f"Map of IMD 2019 quintile by LSOA; darker = more deprived. {finding}.")
            + table(by_place.rename(columns={"place_name": "Place"}),
                    "LSOAs in the most deprived national fifth (Core20), by place") + "</section>")


def data_quality_page(pub: Published) -> str:
    dq = pub.data_quality.copy()
    dq["month"] = pd.to_datetime(dq["month"])
    if len(pub.values):  # registrations date back decades: show the reporting period only
        dq = dq[(dq["month"] >= pd.Timestamp(pub.values["period_start"].min()))
                & (dq["month"] <= pd.Timestamp(pub.values["period_end"].max()))]
    recent = dq[dq["month"] > dq["month"].max() - pd.DateOffset(months=12)]
    summary = recent.groupby("source").agg(
        completeness=("completeness", "mean"), validity=("validity", "mean"),
        timeliness=("timeliness", "mean"), duplicates=("duplicate_rows", "sum"),
        after_death=("activity_after_death", "sum")).reset_index()
    summary_table = {
        "Source": summary["source"].tolist(),
        "Completeness": [f"{v:.1%}" for v in summary["completeness"]],
        "Validity": [f"{v:.1%}" for v in summary["validity"]],
        "Timeliness": [f"{v:.1%}" for v in summary["timeliness"]],
        "Duplicate rows (re-submissions)": [count(v) for v in summary["duplicates"]],
        "Rows dated after death": [count(v) for v in summary["after_death"]],
    }
    batches = pub.source_batches.sort_values("source")
    batch_table = {
        "Source": batches["source"].tolist(), "Files loaded": batches["files_loaded"].tolist(),
        "Quarantined": batches["files_quarantined"].tolist(),
        "Duplicates": batches["files_duplicate"].tolist(),
        "Rows loaded": [count(v) for v in batches["rows_loaded"]],
        "Rows flagged": [count(v) for v in batches["rows_flagged"]],
        "Latest file": batches["latest_file"].tolist(),
        "Latest batch": batches["latest_batch_id"].tolist(),
    }
    worst = summary.loc[summary["completeness"].idxmin()] if len(summary) else None
    finding = (f"completeness is lowest for {worst['source']} ({worst['completeness']:.1%} over the "
               "last 12 months)" if worst is not None else "no data")
    fig = figures.quality_by_month(dq, f"Completeness of key fields by month: {finding}",
                                   "Source: ops.data_quality via published.data_quality.")
    return ("<section><h2>Data quality of the source extracts</h2><p>Measured at every load, per "
            "source and month of activity: completeness (key fields filled), validity (rows that "
            "broke no data-quality rule), timeliness (rows delivered in their month or the next), "
            "re-submitted rows (only the latest version is counted in indicators) and activity "
            "dated after a person's death.</p>"
            + table(summary_table, "Last 12 months of activity, by source")
            + figure(fig, f"Line chart of completeness by month and source: {finding}.")
            + table(batch_table, "Deliveries by source: the batches every figure is built from",
                    text_columns=1) + "</section>")


def trust_panel(pub: Published, run_id: str | None = None, synthetic: bool = False) -> str:
    """Data period, refresh time, source batches and data-quality caveats: on every page."""
    batches = pub.source_batches.sort_values("source")
    delivered = "; ".join(f"{r.source} {r.files_loaded} files to {r.latest_file} "
                          f"(batch {r.latest_batch_id})" for r in batches.itertuples())
    quarantined = int(batches["files_quarantined"].sum()) if len(batches) else 0
    dq = pub.data_quality
    weak = sorted(dq[(dq["completeness"] < 0.95) | (dq["validity"] < 0.95)]["source"].unique())
    caveats = [
        "The latest financial year can still grow as late death registrations and hospital "
        "records arrive.",
        f"{quarantined} delivered file(s) were quarantined and are not in these figures."
        if quarantined else "No delivered file was quarantined.",
        ("Completeness or validity fell below 95% in some months for: " + ", ".join(weak) + ".")
        if weak else "Completeness and validity were at least 95% in every month.",
    ] + (["These figures come from synthetic demo extracts, not patient data."] if synthetic else [])
    return (f'<aside class="trust" aria-label="About these figures"><strong>Data period</strong> '
            f"{esc(pub.data_period)} · <strong>Refreshed</strong> "
            f"{pub.refreshed_at:%d %B %Y %H:%M}"
            + (f" by run {esc(run_id)} (ops.runs; its batches in ops.run_batches)" if run_id else "")
            + f" · figures after disclosure control only ({esc(POLICY.in_words())})."
            "<br><strong>Source batches"
            f"</strong> {esc(delivered)}.<br><strong>Caveats</strong> {esc(' '.join(caveats))}"
            f' <a href="data-quality.html">Data quality</a> · <a href="methods.html">Methods</a>'
            "</aside>")

"""Where the figures came from and how sound the extracts are: the data-quality page, the trust panel
every page carries (data period, refresh, caveats) and, when the figures come from synthetic
deliveries, the banner that says so at the top of every page and every printed page.

The technical provenance (the run that wrote the pack, each source's batches and files) is on the
data-quality page only: a board member reads "data up to March 2025, refreshed 2 December" and
sources by the names people use (their contracts' titles); whoever checks a figure follows the
trust panel's link to the batches behind it."""

from __future__ import annotations

import pandas as pd

from pipelines.contracts.model import source_title
from pipelines.report import figures
from pipelines.report.html import count, esc, figure, table
from pipelines.report.layout import Layout
from pipelines.report.published import POLICY, Published


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
        "Source": [source_title(s) for s in summary["source"]],
        "Completeness": [f"{v:.1%}" for v in summary["completeness"]],
        "Validity": [f"{v:.1%}" for v in summary["validity"]],
        "Timeliness": [f"{v:.1%}" for v in summary["timeliness"]],
        "Duplicate rows (re-submissions)": [count(v) for v in summary["duplicates"]],
        "Rows dated after death": [count(v) for v in summary["after_death"]],
    }
    batches = pub.source_batches.sort_values("source")
    batch_table = {
        "Source": [source_title(s) for s in batches["source"]],
        "Source id": batches["source"].tolist(), "Files loaded": batches["files_loaded"].tolist(),
        "Quarantined": batches["files_quarantined"].tolist(),
        "Duplicates": batches["files_duplicate"].tolist(),
        "Rows loaded": [count(v) for v in batches["rows_loaded"]],
        "Rows flagged": [count(v) for v in batches["rows_flagged"]],
        "Latest file": batches["latest_file"].tolist(),
        "Latest batch": batches["latest_batch_id"].tolist(),
    }
    worst = summary.loc[summary["completeness"].idxmin()] if len(summary) else None
    finding = (f"completeness is lowest for {source_title(worst['source'])} "
               f"({worst['completeness']:.1%} over the "
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
                    text_columns=2) + "</section>")


def provenance(pub: Published, run_id: str | None = None) -> str:
    """The data-quality page's record of what wrote this pack: the run (ops.runs) and, per source,
    the files and batch of its latest delivery. The other pages say it in words (trust_panel)."""
    batches = pub.source_batches.sort_values("source")
    delivered = "; ".join(f"{r.source} {r.files_loaded} files to {r.latest_file} "
                          f"(batch {r.latest_batch_id})" for r in batches.itertuples())
    run = (f"These figures were written by run {esc(run_id)} (ops.runs; its batches in "
           "ops.run_batches) " if run_id else "These figures were written ")
    return ("<section><h2>Provenance</h2><p>" + run
            + f"from the published schema built {pub.built_at:%d %B %Y %H:%M}. Source batches: "
            + f"{esc(delivered)}.</p></section>")


# The banner's words: plain, and true of any pack built from demo extracts.
SYNTHETIC_WORDS = ("Synthetic demonstration data — not real patients. Figures show how the pipeline "
                   "works, not the health of Nottingham and Nottinghamshire.")


def is_synthetic(source_batches: pd.DataFrame) -> bool:
    """Whether the figures were built from any synthetic delivery: published.source_batches, as
    built from the batch ledger's flag. Any, not all: a figure that mixes synthetic rows with real
    ones describes no real population either, so one synthetic batch is enough to say so."""
    return bool(source_batches["synthetic"].any())


def synthetic_banner(pub: Published) -> str:
    """The banner for the top of every page (repeated on every printed page by the CSS); nothing
    for a pack built only from real deliveries."""
    if not is_synthetic(pub.source_batches):
        return ""
    return (f'<div class="synthetic" role="region" aria-label="Synthetic data notice">'
            f"<strong>{esc(SYNTHETIC_WORDS)}</strong></div>")


def data_up_to(pub: Published) -> str:
    """The month of the latest data in the figures, in words ("March 2025")."""
    if pub.values.empty:
        return "no data"
    return f"{pd.Timestamp(pub.values['period_end'].max()):%B %Y}"


def trust_panel(pub: Published, layout: Layout) -> str:
    """On every page, in plain words: how recent the figures are, disclosure control and the
    caveats, with links to the data-quality page (the run, batches and files behind the figures:
    provenance()) and the methods page."""
    batches = pub.source_batches
    quarantined = int(batches["files_quarantined"].sum()) if len(batches) else 0
    dq = pub.data_quality
    weak = sorted(dq[(dq["completeness"] < 0.95) | (dq["validity"] < 0.95)]["source"].unique())
    caveats = [
        "The latest period can still grow as late death registrations and hospital records "
        "arrive; periods of deaths-based indicators whose deaths may still be registered are "
        "marked provisional.",
        f"{quarantined} delivered file(s) were quarantined and are not in these figures."
        if quarantined else "No delivered file was quarantined.",
        ("Completeness or validity fell below 95% in some months for: "
         + ", ".join(source_title(s) for s in weak) + ".")
        if weak else "Completeness and validity were at least 95% in every month.",
    ]
    return (f'<aside class="trust" aria-label="About these figures"><strong>Data up to '
            f"{esc(data_up_to(pub))}</strong>, refreshed {pub.built_at:%-d %B %Y}"
            f" · figures after disclosure control only ({esc(POLICY.in_words())})."
            f"<br><strong>Caveats</strong> {esc(' '.join(caveats))}"
            + "<br>Where the figures come from and how complete each source is: "
            + " · ".join(f'<a href="{p.file}">{esc(p.title)}</a>'
                         for p in layout.of_kind("data_quality") + layout.of_kind("methods"))
            + "</aside>")

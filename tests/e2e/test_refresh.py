"""The real refresh flow, end to end, on a small generated dataset under a real Prefect API.

Steps run in order on one warehouse: a first refresh with every month but the last → the next
month's deliveries → the same again → a malformed delivery. (Two refreshes in one fixture: each
is a full dbt build and board pack, the slowest steps of the suite.)
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from benchmarks.refresh_month import built_from_kept_periods, file_rows, layer_digests, raw_rows
from pipelines.ops import ledger, runs
from pipelines.ops.data_quality import source_months
from pipelines.ops.ledger import BatchStatus
from pipelines.ops.runs import BatchRole, RunStatus
from pipelines.warehouse.digests import table_digests
from tests.browser import visit
from tests.conftest import SMALL

pytestmark = pytest.mark.e2e


@dataclass
class NextMonth:
    """What the fixture saw between the first refresh and the next month's."""
    delivered: int  # files in the small extracts
    held_back: list[Path]
    raw_rows_before: int
    first_pack: str
    latest_month_before: str
    first_state: object


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, small_extracts, prefect_server):
    """PH_* paths for this module; a first refresh with every month but the last, then the last
    month delivered and refreshed. Yields the settings, the last run's state and what was seen
    in between."""
    from pipelines.flows.refresh import refresh
    from tests.conftest import point_settings_at

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PH_BOARD_PACK_PDF", "0")  # the PDF is tested once, in test_board_pack
        settings = point_settings_at(tmp_path_factory.mktemp("e2e"), mp)
        files = sorted(small_extracts.glob("*/*.*"))
        last = max(p.stem.rsplit("_", 1)[-1] for p in files)
        held_back = [p for p in files if p.stem.endswith(f"_{last}")]
        for path in files:
            if path not in held_back:
                (settings.landing_dir / path.parent.name).mkdir(parents=True, exist_ok=True)
                shutil.copy(path, settings.landing_dir / path.parent.name / path.name)
        first_state = refresh(return_state=True)
        seen = NextMonth(len(files), held_back, raw_rows(settings.duckdb_path),
                         (settings.reports_dir / "data-quality.html").read_text(),
                         latest_month(settings), first_state)
        for path in held_back:
            shutil.copy(path, settings.landing_dir / path.parent.name / path.name)
        state = refresh(return_state=True)
        yield settings, state, seen


def latest_month(settings) -> str:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute("select max(period) from published.monthly_activity").fetchone()[0]


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value
                      and re.match(r"^(https?:)?//", value)]


def external_references(page: str) -> list[str]:
    """src/href attributes of the page's elements that point off the page (script text ignored)."""
    parser = _References()
    parser.feed(page)
    return parser.urls


def warehouse_tables(settings) -> dict[str, tuple]:
    """Row count and content hash of every table and view the pipeline and dbt write."""
    return table_digests(settings.duckdb_path,
                         leave_out_tables=("ops.ingest_batches", "ops.runs", "ops.run_batches"))


def expected_a3_03_from_files(landing) -> pd.DataFrame:
    """A3-03 for the whole ICS computed straight from the delivered files, without the pipeline."""
    deaths = pd.concat(pd.read_csv(p, dtype=str) for p in
                       sorted((landing / "civil_registration_deaths").glob("*.csv")))
    deaths = deaths[deaths["person_id"].notna() & (deaths["DEC_AGEC"].astype(int) >= 18)]
    deaths = deaths.drop_duplicates(["person_id", "REG_DATE_OF_DEATH"], keep="last")
    deaths["died"] = pd.to_datetime(deaths["REG_DATE_OF_DEATH"])
    # deaths before the extracts start, registered in them (the backlog): in no reporting period
    deaths = deaths[deaths["died"] >= pd.Timestamp(SMALL["start"])]
    ecds = pd.concat(pd.read_parquet(p) for p in
                     sorted((landing / "ecds_attendances").glob("*.parquet")))
    ecds = ecds[ecds["person_id"].notna() & ecds["EC_Department_Type"].isin(["01", "02", "03", "04"])
                & (ecds["EC_AttendanceCategory"] != "3")]
    ecds["arrived"] = pd.to_datetime(ecds["Der_EC_Arrival_Date_Time"]).dt.normalize()
    pairs = deaths.merge(ecds[["person_id", "arrived"]], on="person_id")
    in_window = pairs[(pairs["arrived"] <= pairs["died"])
                      & (pairs["arrived"] >= pairs["died"] - pd.Timedelta(days=90))]
    attended = set(zip(in_window["person_id"], in_window["REG_DATE_OF_DEATH"], strict=True))
    deaths["attended"] = [(p, d) in attended for p, d in
                          zip(deaths["person_id"], deaths["REG_DATE_OF_DEATH"], strict=True)]
    year = deaths["died"].dt.year - (deaths["died"].dt.month < 4)
    deaths["period"] = [f"{y}/{(y + 1) % 100:02d}" for y in year]
    return deaths.groupby("period").agg(numerator=("attended", "sum"),
                                        denominator=("attended", "size"))


def test_refresh_completes_and_writes_the_board_pack(pipeline):
    settings, state, seen = pipeline
    assert seen.first_state.is_completed(), seen.first_state.message
    assert state.is_completed(), state.message
    index = settings.reports_dir / "index.html"
    assert index.exists()
    page = (settings.reports_dir / "end-of-life.html").read_text()
    assert page.count("Plotly.newPlot") >= 2
    assert external_references(page) == []  # nothing for the browser to fetch from a network


def test_the_next_month_adds_only_its_rows_and_refreshes_the_pack(pipeline):
    """The next month's deliveries after a full refresh: only their rows are added, the pack is
    refreshed, and the run history shows what each run loaded."""
    settings, _, seen = pipeline
    last = seen.held_back[0].stem.rsplit("_", 1)[-1]
    assert seen.latest_month_before < f"{last[:4]}-{last[4:]}"
    assert raw_rows(settings.duckdb_path) - seen.raw_rows_before == sum(
        file_rows(p) for p in seen.held_back)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        recorded = [(run.files_loaded, run.status) for run in reversed(runs.runs(con))]
    assert recorded[:2] == [(seen.delivered - len(seen.held_back), RunStatus.COMPLETED),
                            (len(seen.held_back), RunStatus.COMPLETED)]
    assert latest_month(settings) == f"{last[:4]}-{last[4:]}"  # the published series reach it
    # the data-quality page names the run that wrote it (the board's pages say it in words)
    assert (settings.reports_dir / "data-quality.html").read_text() != seen.first_pack
    assert not (settings.reports_dir / "board-pack.pdf").exists()  # PH_BOARD_PACK_PDF=0 is obeyed


def test_the_months_refresh_leaves_what_a_full_rebuild_gives(pipeline, tmp_path):
    """The month's refresh built staging and the clustered GP events from the new deliveries only
    (incremental by delivery) and the per-period models in the open periods only: every staging,
    intermediate, marts and published table equals a full rebuild of the same raw layer in the
    periods the refresh built again (intermediate.int_open_periods, among them the calendar years
    of the open pooled period) and in rows that are no reporting period's; the tables built from
    the per-period models keep their older periods as they were built (the revision policy), every
    other table equals the full rebuild in every period."""
    from pipelines.warehouse.dbt import build_warehouse
    from tests.conftest import settings_for

    settings, _, _ = pipeline
    rebuilt = settings_for(tmp_path)
    rebuilt.duckdb_path.parent.mkdir(parents=True)
    shutil.copy(settings.duckdb_path, rebuilt.duckdb_path)
    run = build_warehouse(rebuilt, ["--full-refresh"])
    assert any(n.name == "stg_gp__events" for n in run.nodes)

    kept = built_from_kept_periods(settings.dbt_artifacts_dir / "target" / "manifest.json")
    assert {"intermediate.int_population_at_risk", "marts.fct_indicator_values",
            "published.indicator_values"} <= kept
    assert not {"staging.stg_gp__events", "intermediate.int_social_care_clients_by_year",
                "marts.fct_monthly_activity"} & kept  # compared in every period
    refreshed = layer_digests(settings.duckdb_path, kept)
    assert {"staging.stg_gp__events", "intermediate.int_gp_events_clustered",
            "intermediate.int_gp_status_at_year_end", "marts.fct_indicator_values",
            "published.indicator_values", "published.inequality_summary"} <= set(refreshed)
    assert refreshed == layer_digests(rebuilt.duckdb_path, kept)


def test_the_page_renders_in_chromium_offline_without_errors(pipeline, tmp_path):
    settings, _, _ = pipeline
    page = visit(settings.reports_dir / "end-of-life.html", tmp_path)
    assert page.dom.count('class="main-svg"') >= 2  # plotly drew the charts
    assert page.requests == []
    assert page.console_errors == []
    assert page.screenshot.stat().st_size > 10_000


def test_the_dbt_docs_page_is_written_beside_the_pack_and_works_offline(pipeline, tmp_path):
    settings, _, _ = pipeline
    docs = settings.reports_dir / "model-docs.html"
    assert 'href="model-docs.html"' in (settings.reports_dir / "methods.html").read_text()
    page = visit(docs, tmp_path)
    assert "fct_indicator_values" in page.dom  # the manifest is inlined
    assert page.requests == [] and page.console_errors == []


def test_indicator_matches_a_count_made_from_the_files(pipeline):
    settings, _, _ = pipeline
    expected = expected_a3_03_from_files(settings.landing_dir)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        got = con.execute(
            "select period, numerator, denominator, value from marts.fct_indicator_values "
            "where indicator_id = 'A3-03' and area_type = 'ics' and breakdown = 'all' "
            "order by period").df().set_index("period")
    assert list(got.index) == list(expected.index) == ["2019/20", "2020/21"]
    assert got["numerator"].tolist() == expected["numerator"].tolist()
    assert got["denominator"].tolist() == expected["denominator"].tolist()
    assert got["value"].tolist() == pytest.approx(
        (100 * expected["numerator"] / expected["denominator"]).tolist(), rel=1e-12)


def test_a_board_figure_traces_back_to_its_delivered_files(pipeline):
    """The pack's data-quality page names its run; ops.run_batches lists the batches that run
    published from; the indicator's sources (registry) pick out its files in the ledger, and every
    staging row behind the figure came from one of them."""
    settings, _, _ = pipeline
    page = (settings.reports_dir / "data-quality.html").read_text()
    run_id = re.search(r"by run ([0-9a-f-]{36})", page).group(1)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        run = runs.runs(con, run_id)[0]
        published_batches = runs.run_batch_ids(con, run_id, BatchRole.PUBLISHED)
        files = {(row.source, row.file_name) for row in ledger.rows(con)
                 if row.batch_id in published_batches and row.source in
                 ("civil_registration_deaths", "ecds_attendances", "gp_registrations")}
        figure = con.execute(
            "select numerator from published.indicator_values where indicator_id = 'A3-03' "
            "and area_type = 'ics' and breakdown = 'all' and period = '2020/21'").fetchone()
        behind = {r[0] for r in con.execute(
            "select distinct batch_id from staging.stg_civil_registration__deaths union "
            "select distinct batch_id from staging.stg_ecds__attendances").fetchall()}
    assert run.status is RunStatus.COMPLETED and "index.html" in run.pack_files and figure[0] > 0
    delivered = {(p.parent.name, p.name) for source in
                 ("civil_registration_deaths", "ecds_attendances", "gp_registrations")
                 for p in (settings.landing_dir / source).iterdir()}
    assert files == delivered
    assert behind <= published_batches


def test_the_run_publishes_a_markdown_summary_artifact(pipeline):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    _, state, _ = pipeline
    # this run's artifact: other tests' refreshes publish theirs on the same session server
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["refresh-summary"]),
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    assert len(artifacts) == 1
    summary = artifacts[0].data
    assert "Extracts landed" in summary and "dbt build" in summary and "index.html" in summary


def test_a_second_refresh_changes_nothing(pipeline):
    from pipelines.flows.refresh import refresh

    settings, _, _ = pipeline
    before = warehouse_tables(settings)
    pack = settings.reports_dir / "index.html"
    written = pack.stat().st_mtime_ns
    state = refresh(return_state=True)
    assert state.is_completed(), state.message
    # no new file: said so, nothing rebuilt, and the pack not re-stamped as refreshed
    assert state.message.startswith("no new data since"), state.message
    assert "the warehouse was not rebuilt" in state.message
    assert warehouse_tables(settings) == before
    assert pack.stat().st_mtime_ns == written


def test_a_malformed_extract_is_quarantined_and_changes_no_table(pipeline, capsys):
    from pipelines.cli import main

    settings, _, _ = pipeline
    before = warehouse_tables(settings)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        ledger_before = len(ledger.rows(con))
    # a delivered month with at least three deaths (a small demo's month can have fewer)
    good = max(sorted((settings.landing_dir / "civil_registration_deaths").glob("*.csv")),
               key=lambda path: len(path.read_text().splitlines()))
    bad = settings.landing_dir / "civil_registration_deaths" / "civil_registration_deaths_202104.csv"
    lines = good.read_text().splitlines()
    bad.write_text("\n".join([lines[0]] + [re.sub(r',"[12]",', ',"7",', line, count=1)
                                           for line in lines[1:4]]) + "\n")

    assert main(["refresh"]) == 1
    error = capsys.readouterr().err
    assert "civil_registration_deaths_202104.csv" in error
    assert "allowed_values" in error and "DEC_SEX" in error

    quarantined = list((settings.quarantine_dir / "civil_registration_deaths").glob("*/"))
    assert len(quarantined) == 1
    assert (quarantined[0] / bad.name).exists() and not bad.exists()
    report = (quarantined[0] / "report.md").read_text()
    assert "DEC_SEX" in report and "| 3 |" in report

    assert warehouse_tables(settings) == before
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        after = ledger.rows(con)
    assert len(after) == ledger_before + 1
    assert [row.status for row in after].count(BatchStatus.QUARANTINED) == 1


def test_the_data_quality_summary_covers_every_source(pipeline):
    from pipelines.contracts.model import load_contracts

    settings, _, _ = pipeline
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        months = source_months(con)
    duplicates = {source: sum(m.duplicate_rows for m in months if m.source == source)
                  for source in {m.source for m in months}}
    assert set(duplicates) == set(load_contracts())
    assert duplicates["ecds_attendances"] > 0  # the injected re-submissions are seen
    assert all(0 <= m.completeness <= 1 and 0 <= m.validity and m.timeliness <= 1 for m in months)

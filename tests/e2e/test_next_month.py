"""The next month's deliveries after a full refresh: only their rows are added, the pack is
refreshed, and the run history shows what each run loaded."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from benchmarks.refresh_month import file_rows, raw_rows
from pipelines.ops.runs import RunStatus, runs

pytestmark = pytest.mark.e2e


def test_the_next_month_adds_only_its_rows_and_refreshes_the_pack(ph_env, small_extracts,
                                                                  prefect_server, monkeypatch):
    from pipelines.flows.refresh import refresh

    monkeypatch.setenv("PH_BOARD_PACK_PDF", "0")  # the PDF is tested once, in test_board_pack
    files = sorted(small_extracts.glob("*/*.*"))
    last = max(p.stem.rsplit("_", 1)[-1] for p in files)
    held_back = [p for p in files if p.stem.endswith(f"_{last}")]
    for path in files:
        if path not in held_back:
            (ph_env.landing_dir / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, ph_env.landing_dir / path.parent.name / path.name)
    assert refresh(return_state=True).is_completed()
    before = raw_rows(ph_env.duckdb_path)
    first_pack = (ph_env.reports_dir / "index.html").read_text()
    assert _latest_month(ph_env) < f"{last[:4]}-{last[4:]}"

    for path in held_back:
        shutil.copy(path, ph_env.landing_dir / path.parent.name / path.name)
    assert refresh(return_state=True).is_completed()

    assert raw_rows(ph_env.duckdb_path) - before == sum(file_rows(p) for p in held_back)
    with duckdb.connect(str(ph_env.duckdb_path), read_only=True) as con:
        recorded = [(run.files_loaded, run.status) for run in reversed(runs(con))]
    assert recorded == [(len(files) - len(held_back), RunStatus.COMPLETED),
                        (len(held_back), RunStatus.COMPLETED)]
    assert _latest_month(ph_env) == f"{last[:4]}-{last[4:]}"  # the published series reach it
    assert (ph_env.reports_dir / "index.html").read_text() != first_pack
    assert not (ph_env.reports_dir / "board-pack.pdf").exists()  # PH_BOARD_PACK_PDF=0 is obeyed


def _latest_month(settings) -> str:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute("select max(period) from published.monthly_activity").fetchone()[0]

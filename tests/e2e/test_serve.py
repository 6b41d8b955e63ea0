"""`pophealth serve` against a real Prefect server started on loopback: the deployment is registered
with its cron schedule in UK time, and a run of it executes in the serving process.

The run is given a warehouse already built from its landing folder (the session's), so it finds no
new data and only writes the missing board pack: the build itself is tested by test_refresh."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from pipelines.ops.runs import RunStatus, runs

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
CRON = "0 6 3 * *"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(2)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


@pytest.fixture
def prefect_server(tmp_path):
    """A real `prefect server start` on 127.0.0.1 with its own home; its API URL."""
    port = _free_port()
    # nothing inherited from this process's Prefect or pipeline settings (earlier tests export
    # PH_* paths of their own warehouses)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PH_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait(lambda: _ok(httpx.get, f"{api}/health"), 90, "the Prefect server")
        yield api, env
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_serve_registers_the_schedule_and_a_triggered_run_completes(prefect_server, tmp_path,
                                                                    built_warehouse):
    api, env = prefect_server
    built, _ = built_warehouse
    data = tmp_path / "data"
    shutil.copytree(built.data_dir, data)
    env = {**env, "PREFECT_API_URL": api, "PH_DATA_DIR": str(data),
           "PH_REPORTS_DIR": str(tmp_path / "reports"), "PH_BOARD_PACK_PDF": "0"}
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen([str(BIN / "pophealth"), "serve", "--cron", CRON], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deployment = _wait(lambda: _deployment(api), 120, "the deployment to be registered")
        assert [(s["schedule"]["cron"], s["schedule"]["timezone"])
                for s in deployment["schedules"]] == [(CRON, "Europe/London")]
        # a loaded machine can make the server's SQLite busy for a moment (503): try again
        created = _wait(lambda: _ok(httpx.post, f"{api}/deployments/{deployment['id']}/"
                                    "create_flow_run", json={}), 120, "a flow run to be created")
        run_id = created.json()["id"]
        state = _wait(lambda: _final_state(api, run_id), 600, "the triggered run to finish")
        assert state == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
    finally:
        serving.terminate()
        serving.wait(timeout=60)
        log.close()
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from published.indicator_values").fetchone()[0] > 0
        [run] = runs(con, run_id)
    assert run.status == RunStatus.COMPLETED and run.files_loaded == 0
    assert "no new data since" in (tmp_path / "serve.log").read_text()
    assert (tmp_path / "reports" / "index.html").exists()


def _ok(call, url: str, **kwargs) -> httpx.Response | None:
    """The response, or None when the server is busy or unreachable (the caller waits and retries)."""
    try:
        response = call(url, timeout=10, **kwargs)
    except httpx.HTTPError:
        return None
    if response.status_code >= 500:
        return None
    response.raise_for_status()
    return response


def _deployment(api: str) -> dict | None:
    found = _ok(httpx.post, f"{api}/deployments/filter", json={})
    return next((d for d in found.json() if d["name"] == "monthly-refresh"), None) if found else None


def _final_state(api: str, run_id: str) -> str | None:
    found = _ok(httpx.get, f"{api}/flow_runs/{run_id}")
    state = found.json()["state"]["type"] if found else None
    return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None


def test_serve_without_a_server_says_how_to_start_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run([str(BIN / "pophealth"), "serve"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "PREFECT_API_URL" in done.stderr and "make server" in done.stderr

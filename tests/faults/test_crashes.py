"""kill -9 at seeded random points of a real ingest and a real dbt build, and runs started beside a
build: after the reruns every table equals an uninterrupted run's (the session's built_warehouse),
the live warehouse never changes under a dying build, and a second writer is refused naming the
build that holds the warehouse (exit 3) and loses nothing.

One chain keeps the cost down: the ingest is killed three times and rerun; that warehouse is then
built right after an ingest killed with its write-ahead log beside the file, the build killed
(after checking the refusals beside it), the rerun killed, and one last build runs to the end.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from pipelines.config import PROJECT_ROOT
from pipelines.warehouse.lock import build_area, lock_path, wal_path
from tests.faults.conftest import checksums, ph_environ, start

SEED = 20250115
LANDED_SCHEMAS = ("raw", "ops")
# ...except what a build writes there: the fingerprint of the project that built the warehouse
WRITTEN_BY_BUILDS = {"ops.build_fingerprint"}
# the ingest's last step (the data-quality summary: same rows again) committed, then kill -9
KILLED_AFTER_COMMIT = """
import os, signal
from pipelines.config import load_settings
from pipelines.contracts.model import load_contracts
from pipelines.ops.data_quality import refresh_data_quality
from pipelines.warehouse.connection import connect

with connect(load_settings().duckdb_path) as con:
    refresh_data_quality(con, list(load_contracts().values()))
    os.kill(os.getpid(), signal.SIGKILL)
"""


def file_hash(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kill(child) -> str:
    """SIGKILL the child; its stderr."""
    child.send_signal(signal.SIGKILL)
    _, err = child.communicate()
    assert child.returncode == -signal.SIGKILL
    return err


@pytest.fixture(scope="module")
def reference(built_warehouse) -> dict[str, tuple]:
    settings, _ = built_warehouse
    return checksums(settings.duckdb_path)


@pytest.fixture(scope="module")
def interrupted_ingest(tmp_path_factory, small_extracts):
    """The small extracts ingested with kill -9 at three seeded random points, then run to the
    end: (environment, warehouse, [recovery lines of each rerun], checksums right after)."""
    root = tmp_path_factory.mktemp("interrupted")
    env = ph_environ(root)
    shutil.copytree(small_extracts, root / "data" / "landing")
    warehouse = root / "data" / "warehouse.duckdb"
    rng = random.Random(SEED)
    recovered, kills = [], []
    for _ in range(3):
        after, delay = rng.randint(1, 60), rng.uniform(0, 1.5)
        child = start(["tests.faults.step", "ingest"], env)
        ended = [child.stdout.readline() for _ in range(after)]
        time.sleep(delay)
        if child.poll() is not None or "ingested\n" in ended:
            pytest.fail(f"the ingest ended before its kill point ({after} files + {delay:.2f} s)")
        recovered.append(kill(child))
        kills.append((after, round(delay, 2), wal_path(warehouse).exists()))
    child = start(["tests.faults.step", "ingest"], env)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0 and out.endswith("ingested\n"), err[-3000:]
    recovered.append(err)
    print(f"ingest killed after (files, +seconds, log left): {kills}")
    return env, warehouse, kills, recovered, checksums(warehouse)


def recovery_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("recovered after")]


def test_an_ingest_killed_three_times_then_rerun_equals_an_uninterrupted_one(
        interrupted_ingest, reference):
    env, warehouse, kills, stderrs, after = interrupted_ingest
    assert after == {name: value for name, value in reference.items()
                     if name.split(".")[0] in LANDED_SCHEMAS
                     and name not in WRITTEN_BY_BUILDS}
    assert not wal_path(warehouse).exists()
    for (_, _, log_left), stderr in zip(kills, stderrs[1:], strict=True):
        # a run killed with a write-ahead log beside the warehouse: the next one replays it
        replayed = [line for line in recovery_lines(stderr) if "replayed the write-ahead log" in line]
        assert len(replayed) == (1 if log_left else 0), stderr[-2000:]


def wait_for_holder(warehouse, pid: int, child, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()[1][-3000:]
        try:
            holder = json.loads(lock_path(warehouse).read_text() or "{}")
        except (OSError, ValueError):
            holder = {}
        if holder.get("pid") == pid:
            return holder
        time.sleep(0.1)
    raise AssertionError("the build never took the warehouse lock")


# dbt's progress line for each node it starts ("12 of 249 START sql table model ..."); the
# on-run-start hooks are counted apart ("1 of 1 START hook: ...")
DBT_NODE_STARTED = re.compile(rb"\b(\d+) of (\d+) START (?!hook)[^\n]*")


def wait_for_progress(output, offset: int, fraction: float, child, timeout: float = 600) -> str:
    """Wait until the dbt build writing to `output` (from byte `offset`) has started the node
    `fraction` of the way through its nodes, and return that line: a kill point that is a point of
    the build's progress, not a time (a fast machine could end a small build before any fixed
    second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.poll() is None, "the build ended before its kill point"
        with open(output, "rb") as f:
            f.seek(offset)
            for match in DBT_NODE_STARTED.finditer(f.read()):
                started, total = int(match[1]), int(match[2])
                if started >= max(1, round(fraction * total)):
                    return match[0].decode()
        time.sleep(0.05)
    raise AssertionError(f"the build never reached {fraction:.0%} of its nodes")


def test_a_build_killed_twice_then_rerun_equals_an_uninterrupted_one_and_refuses_other_writers(
        interrupted_ingest, reference, prefect_server, use_env, capsys):
    from pipelines.cli import main

    env, warehouse, *_ = interrupted_ingest
    landing = sorted(p.relative_to(warehouse.parent) for p in
                     (warehouse.parent / "landing").rglob("*"))
    # an ingest killed just after its last commit: its write-ahead log is left beside the file
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_COMMIT], env=env, cwd=PROJECT_ROOT)
    assert killed.returncode == -signal.SIGKILL and wal_path(warehouse).stat().st_size > 0
    before = checksums(warehouse)  # (read-only: the log is replayed in memory, the files kept)
    rng = random.Random(SEED + 1)
    # kill points: a seeded share of the build's nodes started, then a seeded fraction of a second
    # (at most 60% and half a second: the rest of the build takes seconds even on a fast machine)
    first_kill, second_kill = (rng.uniform(0.1, 0.6), rng.uniform(0, 0.5)), \
        (rng.uniform(0.05, 0.5), rng.uniform(0, 0.5))
    output = warehouse.parent / "dbt-output.txt"
    dbt_output = output.open("wb")  # a pipe could fill and stall
    env = env | {"PYTHONUNBUFFERED": "1"}  # dbt's progress lines reach the file as they are written

    build = start(["tests.faults.step", "build"], env, stdout=dbt_output)
    wait_for_holder(warehouse, build.pid, build)
    use_env(env)
    capsys.readouterr()
    for command in (["build"], ["ingest"], ["refresh"]):  # writers beside a build: refused
        assert main(command) == 3, command
        err = capsys.readouterr().err
        assert f"ERROR: the warehouse {warehouse} is in use by `build (step.py)` (pid {build.pid}, " \
               "since " in err, err[-3000:]
        assert "try again when it finishes" in err
    assert sorted(p.relative_to(warehouse.parent) for p in
                  (warehouse.parent / "landing").rglob("*")) == landing  # nothing taken, or lost

    first_line = wait_for_progress(output, 0, first_kill[0], build)
    time.sleep(first_kill[1])
    assert build.poll() is None, "the build ended before its kill point"
    err = kill(build)
    # the build replayed the killed ingest's log before copying the file, and left none behind
    assert recovery_lines(err)[0].startswith("recovered after an interrupted run: replayed the "
                                             "write-ahead log ("), err[-3000:]
    assert not wal_path(warehouse).exists() and checksums(warehouse) == before
    assert len(list(build_area(warehouse).iterdir())) == 1  # its private copy, left by the kill
    before = file_hash(warehouse)

    offset = output.stat().st_size
    rerun = start(["tests.faults.step", "build"], env, stdout=dbt_output)
    line = ""
    while rerun.poll() is None and not line.startswith("recovered"):
        line = rerun.stderr.readline()
    assert line.strip() == (  # the dead build's copy is recognised, and removed
        f"recovered after an interrupted run: removed 1 unfinished build copy under "
        f"{build_area(warehouse)}")
    second_line = wait_for_progress(output, offset, second_kill[0], rerun)
    time.sleep(second_kill[1])
    assert rerun.poll() is None, "the rerun ended before its kill point"
    kill(rerun)
    assert file_hash(warehouse) == before

    last = start(["tests.faults.step", "build"], env, stdout=dbt_output)
    _, err = last.communicate(timeout=600)
    dbt_output.close()
    assert last.returncode == 0, err[-3000:]
    assert recovery_lines(err) == [f"recovered after an interrupted run: removed 1 unfinished "
                                   f"build copy under {build_area(warehouse)}"]
    print(f"build killed {first_kill[1]:.2f} s after '{first_line}', its rerun "
          f"{second_kill[1]:.2f} s after '{second_line}'")
    assert not build_area(warehouse).exists() and not wal_path(warehouse).exists()
    assert checksums(warehouse) == reference

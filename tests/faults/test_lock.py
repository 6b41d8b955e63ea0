"""The warehouse lock with real processes: a second run is refused naming the holder (or waits),
a killed holder leaves no stale lock, nested and threaded acquisitions in one process succeed, and
the first writer after a crash removes dead builds and replays a killed writer's log."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace

import duckdb
import pytest

from pipelines.config import PROJECT_ROOT, load_settings
from pipelines.errors import EXIT_BUSY, UsageError, WarehouseBusy
from pipelines.warehouse.lock import (
    build_area,
    holds,
    lock_path,
    wal_path,
    warehouse_lock,
    writing,
)


def start_step(*args: str, env: dict | None = None) -> subprocess.Popen:
    """``python -m tests.faults.step ARGS`` with this test's PH_* environment."""
    return subprocess.Popen([sys.executable, "-m", "tests.faults.step", *args], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, text=True, env=env or os.environ.copy())


def holding(*args: str) -> subprocess.Popen:
    child = start_step("hold", *args)
    assert child.stdout.readline().strip() == "held"
    return child


def free(path, exclusive=True) -> bool:
    """Whether another open file (as another process would) could take the lock now."""
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_second_run_is_refused_naming_the_holder_and_a_killed_holder_leaves_no_lock(ph_env):
    child = holding("60")
    try:
        for exclusive in (True, False):  # a writer and a reader are both refused
            with pytest.raises(WarehouseBusy) as refused, \
                    warehouse_lock(ph_env.duckdb_path, exclusive):
                pass
            message = str(refused.value)
            assert refused.value.exit_code == EXIT_BUSY == 3
            assert f"the warehouse {ph_env.duckdb_path} is in use by `hold (step.py)`" in message
            assert re.search(rf"\(pid {child.pid}, since \d\d:\d\d:\d\d\); try again when it "
                             "finishes", message), message
        assert not holds(ph_env.duckdb_path)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    with warehouse_lock(ph_env.duckdb_path):  # the OS released it with the process
        assert holds(ph_env.duckdb_path)
    assert free(ph_env.duckdb_path)


def test_readers_share_and_a_run_waits_up_to_PH_LOCK_WAIT_SECONDS(ph_env, capsys):
    reader = holding("60", "shared")
    try:
        with warehouse_lock(ph_env.duckdb_path, exclusive=False):  # readers share
            pass
    finally:
        reader.send_signal(signal.SIGKILL)
        reader.wait()
    child = holding("1.5")
    started = time.monotonic()
    try:
        with writing(replace(ph_env, lock_wait_seconds=30), "test"):
            waited = time.monotonic() - started
    finally:
        child.wait()
    assert 0.5 < waited < 20
    err = capsys.readouterr().err
    assert "waiting up to 30 s (PH_LOCK_WAIT_SECONDS): the warehouse" in err
    assert f"in use by `hold (step.py)` (pid {child.pid}" in err


def test_nested_and_threaded_acquisitions_in_one_process_share_the_lock(ph_env):
    path = ph_env.duckdb_path
    seen = []

    def task():  # as Prefect runs a task: another thread, the flow holding the lock
        with warehouse_lock(path, exclusive=True), warehouse_lock(path, exclusive=False):
            seen.append(holds(path))

    with warehouse_lock(path, exclusive=True):
        threads = [threading.Thread(target=task) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert seen == [True] * 4
        assert holds(path) and not free(path, exclusive=False)
    assert not holds(path) and free(path)
    with warehouse_lock(path, exclusive=False):
        assert free(path, exclusive=False) and not free(path, exclusive=True)
        with pytest.raises(RuntimeError, match="take the exclusive lock first"), \
                warehouse_lock(path, exclusive=True):
            pass
    assert free(path)


@pytest.mark.parametrize(("value", "seconds"), [(None, 0.0), ("0", 0.0), (" 90 ", 90.0),
                                               ("2.5", 2.5), ("-1", None), ("soon", None)])
def test_PH_LOCK_WAIT_SECONDS_is_a_number_of_seconds(value, seconds, monkeypatch):
    if value is None:
        monkeypatch.delenv("PH_LOCK_WAIT_SECONDS", raising=False)
    else:
        monkeypatch.setenv("PH_LOCK_WAIT_SECONDS", value)
    if seconds is None:
        with pytest.raises(UsageError, match="PH_LOCK_WAIT_SECONDS=.*use a number of seconds"):
            load_settings()
    else:
        assert load_settings().lock_wait_seconds == seconds


def test_the_lock_file_follows_PH_DUCKDB_PATH(ph_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PH_DUCKDB_PATH", str(tmp_path / "elsewhere" / "wh.duckdb"))
    settings = load_settings()
    with writing(settings, "test"):
        assert (tmp_path / "elsewhere" / "wh.duckdb.lock").exists()
        assert not free(settings.duckdb_path)
    assert not lock_path(ph_env.duckdb_path).exists()


KILLED_WRITER = """
import duckdb, os, signal, sys
con = duckdb.connect(sys.argv[1])
con.execute("insert into t select range from range(1, 1001)")  # committed: in the log only
con.execute("begin transaction")
con.execute("insert into t select range from range(1001, 2001)")  # never committed
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_first_writer_after_a_crash_removes_dead_builds_and_replays_the_log(ph_env, capsys):
    live = ph_env.duckdb_path
    with duckdb.connect(str(live)) as con:
        con.execute("create table t (i bigint); insert into t values (0)")
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(live)])
    assert killed.returncode == -signal.SIGKILL and wal_path(live).stat().st_size > 0
    area = build_area(live)
    dead = [area / live.name, area / f"{live.name}.wal",  # the layout before build folders
            area / f"{live.name}.20250101T000000-123-abcdef" / live.name]
    for path in dead:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left by a killed build")
    other = area / "other.duckdb.20250101T000000-124-abcdef"  # another warehouse's build
    other.mkdir()

    with writing(ph_env, "test"):
        line = capsys.readouterr().err.strip()
        assert line.startswith("recovered after an interrupted run: removed 3 unfinished build "
                               f"copies under {area}; replayed the write-ahead log (")
        assert line.endswith(f"bytes) a stopped run left beside {live.name} into it (committed "
                             "transactions only)")
        assert not wal_path(live).exists() and not any(p.exists() for p in dead)
        assert other.exists()
        with duckdb.connect(str(live), read_only=True) as con:
            assert con.execute("select count(*), max(i) from t").fetchone() == (1001, 1000)
    with writing(ph_env, "test"):  # nothing left to recover
        assert capsys.readouterr().err == ""

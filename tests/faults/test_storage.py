"""A full disk and a read-only folder under the warehouse, for real: the command says what happened,
where, and that nothing was changed; it exits 1; the warehouse is as it was and still usable.

The commands run in this process (``pipelines.cli.main``, on the session's Prefect API). The full
disk is a small tmpfs mounted on the warehouse folder when mounting is permitted (we run as root
here); elsewhere (CI may not allow it) the command runs under RLIMIT_FSIZE with SIGXFSZ ignored, so
that its writes past the limit fail with EFBIG, which the pipeline must say as clearly. Set
PH_FAULTS_NO_MOUNT=1 to take that second way where mounting works. A read-only folder needs a
read-only bind mount (as root, chmod does not stop writes): without one the test is skipped.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb
import pytest

from pipelines.contracts.model import load_contracts
from pipelines.landing import land_all
from pipelines.warehouse.lock import build_area, wal_path, warehouse_lock
from tests.conftest import settings_for
from tests.faults.conftest import checksums, ph_environ

DEATHS, GP_EVENTS = "civil_registration_deaths", "gp_events"
FIRST_MONTHS = 3


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@contextmanager
def mounted(folder: Path, *args: str):
    """Mount on folder (yielding None), or yield why mounting is not possible here."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.environ.get("PH_FAULTS_NO_MOUNT") == "1":
        yield "PH_FAULTS_NO_MOUNT=1"
        return
    try:
        result = _mount(*args, str(folder))
    except FileNotFoundError:
        yield "no mount command"
        return
    if result.returncode:
        yield f"mount {' '.join(args)} is not permitted: {result.stderr.strip()}"
        return
    try:
        yield None
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextmanager
def file_size_limit(limit: int):
    """Writes past `limit` bytes fail with EFBIG in this process (SIGXFSZ ignored, so that it does
    not kill it), until the block ends."""
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


@pytest.fixture(scope="module")
def first_months(tmp_path_factory, small_extracts) -> Path:
    """A small warehouse: three months of deaths and of GP events, landed for real."""
    settings = settings_for(tmp_path_factory.mktemp("first-months"))
    settings.ensure_dirs()
    for source in (DEATHS, GP_EVENTS):
        (settings.landing_dir / source).mkdir(parents=True)
        for path in sorted((small_extracts / source).iterdir())[:FIRST_MONTHS]:
            shutil.copy(path, settings.landing_dir / source)
    land_all(settings, [load_contracts()[DEATHS], load_contracts()[GP_EVENTS]])
    assert not wal_path(settings.duckdb_path).exists()
    return settings.duckdb_path


@pytest.fixture
def full_disk_run(tmp_path, first_months, prefect_server, use_env, capsys):
    """The CLI (in this process, on the session's Prefect API) with the warehouse folder nearly
    full: (run(args) -> (exit code, stderr), warehouse, the problem's words, make_room())."""
    from pipelines.cli import main

    folder = tmp_path / "wh"
    warehouse = folder / "warehouse.duckdb"
    use_env(ph_environ(tmp_path, PH_DUCKDB_PATH=str(warehouse)))
    size = first_months.stat().st_size
    with mounted(folder, "-t", "tmpfs", "-o", f"size={size + 512 * 1024}", "tmpfs") as why_not:
        shutil.copy(first_months, warehouse)
        limited = why_not is not None

        def run(args: list[str]) -> tuple[int, str]:
            capsys.readouterr()
            with file_size_limit(256 * 1024) if limited else nullcontext():
                code = main(args)
            return code, capsys.readouterr().err

        def make_room() -> None:
            nonlocal limited
            limited = False
            if why_not is None:
                assert _mount("-o", "remount,size=256m", str(folder)).returncode == 0

        problem = "the disk is full" if why_not is None else "the file size limit was reached"
        print(f"full disk: {'tmpfs' if why_not is None else f'RLIMIT_FSIZE ({why_not})'}")
        yield run, warehouse, problem, make_room


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("ERROR: ")]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def test_a_full_disk_during_ingest_says_so_changes_nothing_and_the_warehouse_stays_usable(
        full_disk_run, small_extracts, tmp_path):
    run, warehouse, problem, make_room = full_disk_run
    landing = tmp_path / "data" / "landing" / GP_EVENTS
    shutil.copytree(small_extracts / GP_EVENTS, landing)
    before = checksums(warehouse)

    code, err = run(["ingest", "--source", GP_EVENTS])
    assert code == 1, err[-3000:]
    line = error_line(err)  # (what was left unchanged is landing's to word)
    assert line.startswith(f"ERROR: cannot write under {warehouse.parent}")
    assert f": {problem}. Nothing was changed: " in line
    assert "cannot rollback" not in err  # the failed commit's own error, not the rollback's
    assert checksums(warehouse) == before
    assert len(list(landing.iterdir())) == len(list((small_extracts / GP_EVENTS).iterdir()))

    make_room()
    assert run(["ingest", "--source", GP_EVENTS])[0] == 0
    rows = sum(len(p.read_text().splitlines()) - 1 for p in landing.iterdir())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(f"select count(*) from raw.{GP_EVENTS}").fetchone()[0] == rows


def test_a_full_disk_during_a_build_says_so_and_changes_nothing(full_disk_run):
    run, warehouse, problem, _ = full_disk_run
    before = checksums(warehouse)
    code, err = run(["build"])
    assert code == 1, err[-3000:]
    line = error_line(err)
    assert line.startswith(f"ERROR: cannot write under {build_area(warehouse)}/{warehouse.name}.")
    assert line.endswith(f": {problem}. Nothing was changed: the warehouse {warehouse} keeps its "
                         "last good state (the build's copy was removed). Free some space (or fix "
                         "the folder's permissions) and run the command again.")
    assert checksums(warehouse) == before
    assert not build_area(warehouse).exists() and not wal_path(warehouse).exists()
    with warehouse_lock(warehouse):  # released, and nothing left to recover
        pass


def test_a_read_only_warehouse_folder_refuses_writers_clearly_and_still_reads(
        tmp_path, first_months, prefect_server, use_env, capsys):
    from pipelines.cli import main

    source = tmp_path / "wh"
    source.mkdir()
    shutil.copy(first_months, source / first_months.name)
    folder = tmp_path / "read-only"
    with mounted(folder, "--bind", str(source)) as why_not:
        if why_not:
            pytest.skip(f"a read-only folder needs a bind mount, and {why_not} (as root, chmod "
                        "does not stop writes)")
        assert _mount("-o", "remount,bind,ro", str(folder)).returncode == 0
        warehouse = folder / first_months.name
        before = checksums(warehouse)
        use_env(ph_environ(tmp_path, PH_DUCKDB_PATH=str(warehouse)))
        (tmp_path / "data" / "landing").mkdir(parents=True)
        for command in (["ingest"], ["build"]):
            capsys.readouterr()
            assert main(command) == 1
            assert error_line(capsys.readouterr().err) == (
                f"ERROR: cannot write under {folder}: the file system is read-only. Nothing was "
                f"changed: the warehouse {warehouse} was not opened. Free some space (or fix the "
                "folder's permissions) and run the command again.")
        with warehouse_lock(warehouse, exclusive=False):  # a reader still reads
            assert checksums(warehouse) == before
        assert sorted(p.name for p in folder.iterdir()) == [first_months.name]
    assert sorted(p.name for p in source.iterdir()) == [first_months.name]

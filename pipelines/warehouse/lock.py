"""One writer at a time per warehouse: a lock file beside it, and recovery from crashed runs.

``warehouse_lock(path, exclusive=True)`` takes ``<warehouse>.lock`` with ``fcntl.flock``: exclusive
for the runs that write (ingest, build, refresh, docs), shared for those that only read (report).
The operating system releases a flock when its process dies, so a crash (even kill -9) never leaves
a stale lock. The holder writes its pid, command, host and start time into the file, so a second
run is refused with a message naming it (``WarehouseBusy``, exit code 3), at once or after waiting
up to ``PH_LOCK_WAIT_SECONDS``.

The lock is re-entrant within a process and safe across its threads (Prefect runs tasks in
threads, and the refresh flow runs the ingest flow inside its own): a nested acquisition succeeds,
a shared one inside an exclusive one too.

When a run takes the exclusive lock first, nothing else of ours can be using the warehouse, so what
a crashed run left is recognised and handled before anything else (``recover``): its build folders
are removed, and a write-ahead log beside the warehouse (a writer killed part-way) is replayed
into the file with a CHECKPOINT (DuckDB replays committed transactions only).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipelines.errors import StorageError, WarehouseBusy, storage_error
from pipelines.warehouse.storage import storage_errors

# a build's private copy lives in <warehouse folder>/.building/<warehouse name>.<build id>/
BUILD_AREA = ".building"
_POLL_SECONDS = 0.2


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def wal_path(database: Path) -> Path:
    """DuckDB's write-ahead log of a database file."""
    return database.with_name(database.name + ".wal")


def build_area(warehouse: Path) -> Path:
    return warehouse.parent / BUILD_AREA


@dataclass
class _Held:
    fd: int | None  # None: a read-only folder with no lock file (nobody can write there)
    exclusive: bool
    depth: int = 1


_held: dict[Path, _Held] = {}
_guard = threading.RLock()  # one acquisition at a time in this process (flock is per open file)


def _command(what: str) -> str:
    """How the holder was started, for the message another run shows."""
    argv = sys.argv or [""]
    if Path(argv[0]).name == "pophealth" or argv[0].endswith(os.path.join("pipelines", "cli.py")):
        return " ".join(["pophealth", *argv[1:]])
    return f"{what} ({Path(argv[0]).name or 'python'})"


def _holder(fd: int) -> dict:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        return json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}


def _alive(holder: dict) -> bool:
    if holder.get("host") != socket.gethostname() or not isinstance(holder.get("pid"), int):
        return True  # cannot tell from here
    try:
        os.kill(holder["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _describe(fd: int) -> str:
    """The run that holds the lock, as "`pophealth build` (pid 123, since 22:10:05)"."""
    holder = {}
    for _ in range(5):  # the holder writes its name just after taking the lock
        holder = _holder(fd)
        if holder and _alive(holder):
            break
        time.sleep(0.05)
    if not holder or not _alive(holder):
        return "another run"
    try:
        since = datetime.fromisoformat(holder["since"])
        when = since.strftime("%H:%M:%S" if since.date() == datetime.now().date()
                              else "%Y-%m-%d %H:%M:%S")
    except (KeyError, TypeError, ValueError):
        when = "?"
    host = "" if holder.get("host") == socket.gethostname() else f" on {holder.get('host')}"
    return f"`{holder.get('command', '?')}` (pid {holder.get('pid', '?')}{host}, since {when})"


def _busy_message(warehouse: Path, fd: int) -> str:
    return (f"the warehouse {warehouse} is in use by {_describe(fd)}; try again when it finishes "
            "(or set PH_LOCK_WAIT_SECONDS to wait for it)")


def _open(warehouse: Path, exclusive: bool) -> int | None:
    path = lock_path(warehouse)
    try:
        if exclusive:
            path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o664)
    except OSError as error:
        if exclusive:
            failure = storage_error(error, path.parent, f"the warehouse {warehouse} was not opened")
            if failure is None:
                raise
            raise failure from error
        if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT):
            raise
    try:  # a reader in a folder it cannot write: lock if there is a lock file, else no writer can
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None


def _flock(fd: int, warehouse: Path, exclusive: bool, wait_seconds: float) -> None:
    operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + max(wait_seconds, 0)
    announced = False
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise WarehouseBusy(_busy_message(warehouse, fd))
        if not announced:
            print(f"waiting up to {wait_seconds:g} s (PH_LOCK_WAIT_SECONDS): "
                  + _busy_message(warehouse, fd).split("; try again")[0],
                  file=sys.stderr, flush=True)
            announced = True
        time.sleep(_POLL_SECONDS)


def _write_holder(fd: int, exclusive: bool, what: str) -> None:
    """Best effort: a full disk must not stop a run that only wants to say who it is."""
    holder = {"pid": os.getpid(), "command": _command(what), "host": socket.gethostname(),
              "since": datetime.now().isoformat(timespec="seconds"),
              "mode": "exclusive" if exclusive else "shared"}
    try:
        data = (json.dumps(holder) + "\n").encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
    except OSError:
        pass


def _release(warehouse: Path, held: _Held) -> None:
    if held.fd is None:
        return
    try:
        if held.exclusive:
            try:
                os.ftruncate(held.fd, 0)
            except OSError:
                pass
        fcntl.flock(held.fd, fcntl.LOCK_UN)
    finally:
        os.close(held.fd)


@contextmanager
def warehouse_lock(warehouse: Path, exclusive: bool = True, *, what: str = "pipeline run",
                   wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's lock for the block: exclusive to write, shared to read.

    Raises ``WarehouseBusy`` (naming the holder) when another process holds it, at once or after
    ``wait_seconds``. The first exclusive acquisition in a process recovers what crashed runs left
    (``recover``). ``what`` names this run in the lock file when it is not the ``pophealth`` CLI.
    """
    warehouse = Path(warehouse).resolve()
    key = lock_path(warehouse)
    with _guard:
        held = _held.get(key)
        if held is not None:
            if exclusive and not held.exclusive:
                raise RuntimeError(f"the warehouse {warehouse} is held shared by this process; "
                                   "take the exclusive lock first")
            held.depth += 1
        else:
            fd = _open(warehouse, exclusive)
            if fd is not None:
                try:
                    _flock(fd, warehouse, exclusive, wait_seconds)
                except BaseException:
                    os.close(fd)
                    raise
                if (fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE) == os.O_RDWR:
                    _write_holder(fd, exclusive, what)
            held = _held[key] = _Held(fd, exclusive)
            if exclusive:
                try:
                    recover(warehouse)
                except BaseException:
                    del _held[key]
                    _release(warehouse, held)
                    raise
    try:
        yield
    finally:
        with _guard:
            held.depth -= 1
            if held.depth == 0:
                del _held[key]
                _release(warehouse, held)


def holds(warehouse: Path, exclusive: bool = True) -> bool:
    """Whether this process holds the warehouse's lock (exclusively, if asked)."""
    with _guard:
        held = _held.get(lock_path(Path(warehouse).resolve()))
        return held is not None and (held.exclusive or not exclusive)


def writing(settings, what: str):
    """The exclusive lock on the settings' warehouse (waiting PH_LOCK_WAIT_SECONDS)."""
    return warehouse_lock(settings.duckdb_path, True, what=what,
                          wait_seconds=settings.lock_wait_seconds)


def reading(settings, what: str):
    """The shared lock on the settings' warehouse (waiting PH_LOCK_WAIT_SECONDS)."""
    return warehouse_lock(settings.duckdb_path, False, what=what,
                          wait_seconds=settings.lock_wait_seconds)


def stale_builds(warehouse: Path) -> list[Path]:
    """Build folders (and, from older versions, the bare copy and its log) of this warehouse."""
    area = build_area(warehouse)
    if not area.is_dir():
        return []
    return sorted(p for p in area.iterdir()
                  if p.name == warehouse.name or p.name.startswith(warehouse.name + "."))


def recover(warehouse: Path) -> str | None:
    """Handle what crashed runs left; return (and print) one line saying what was done, or None.

    Called with the exclusive lock held, so no run of ours is using the warehouse: every build
    folder of it is a dead build's, and a write-ahead log beside it is a killed writer's.
    """
    done = []
    stale = stale_builds(warehouse)
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if stale:
        done.append(f"removed {len(stale)} unfinished build cop{'y' if len(stale) == 1 else 'ies'} "
                    f"under {build_area(warehouse)}")
        try:
            build_area(warehouse).rmdir()
        except OSError:
            pass  # not empty (another warehouse's build area too)
    wal = wal_path(warehouse)
    if wal.exists():
        size = wal.stat().st_size
        checkpoint(warehouse, unchanged=f"the warehouse {warehouse} and its write-ahead log are as "
                   "they were (the log is replayed on the next run)")
        done.append(f"replayed the write-ahead log ({size:,} bytes) a stopped run left beside "
                    f"{warehouse.name} into it (committed transactions only)")
    if not done:
        return None
    line = "recovered after an interrupted run: " + "; ".join(done)
    print(line, file=sys.stderr, flush=True)
    return line


def checkpoint(database: Path, unchanged: str) -> None:
    """Open the database read-write and fold its write-ahead log into the file (CHECKPOINT).

    DuckDB replays the log's committed transactions on open; a log cut short by a crash loses only
    the transaction that was being written. A full disk becomes a ``StorageError``; a database that
    another program holds open becomes ``WarehouseBusy``.
    """
    import duckdb

    try:
        with storage_errors(database.parent, unchanged), duckdb.connect(str(database)) as con:
            con.execute("checkpoint")
    except duckdb.Error as error:  # not a storage failure (storage_errors re-raised it as it was)
        if "could not set lock" in str(error).lower():
            raise WarehouseBusy(f"the warehouse {database} is open in another program ({error}); "
                                "close it and try again") from error
        raise
    wal = wal_path(database)
    if wal.exists():
        if wal.stat().st_size:
            raise StorageError(f"the write-ahead log of {database} could not be folded into it. "
                               f"Nothing was changed: {unchanged}.")
        wal.unlink()  # an empty log (left by a failed commit) holds nothing

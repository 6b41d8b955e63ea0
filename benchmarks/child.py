"""Run a benchmark step in a fresh process, so that its peak memory is its own.

``in_child(function, *args)`` calls a module-level function in a new interpreter (multiprocessing's
"spawn": nothing inherited from this process but the arguments) and returns what it returns.
``TreePeak`` measures the peak of a step that starts worker processes of its own.
"""

from __future__ import annotations

import importlib.machinery
import multiprocessing
import os
import resource
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def in_child(function: Callable[..., T], *args) -> T:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_main_with_a_spec) as pool:
        try:
            return pool.submit(function, *args).result()
        except SystemExit as stopped:  # a step that ends its process has not succeeded, even with 0
            raise RuntimeError(f"{function.__name__} ended its process (exit {stopped.code})") from None


def _main_with_a_spec() -> None:
    """Give the child's ``__main__`` a spec named ``__main__``. Under ``python -m benchmarks`` spawn
    leaves it with neither ``__spec__`` nor ``__file__``, which pyspark (imported by Great
    Expectations) takes for a doctest run and ends the process with exit 0 (pyspark/sql/connect/
    utils.py: check_dependencies): every step that validates would silently stop. Not a file: the
    generator's own workers would then run it (spawn re-runs a main file; a main named
    ``__main__`` it leaves alone), importing the benchmarks into every worker."""
    main = sys.modules["__main__"]
    if main.__spec__ is None and not hasattr(main, "__file__"):
        main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)


def peak_memory_gb() -> float:
    """This process's peak resident memory so far: VmHWM, the high-water mark of its own memory
    image. Not getrusage's ru_maxrss: Linux carries that over from the parent through fork and
    exec, so a child spawned by a process that once held 4 GB reports 4 GB (measured: the
    generator benchmark's 3.6M run read 4.04 GB while its processes never held 1.5 GB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # not Linux


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(c) for c in children.read_text().split()]
            except OSError:  # the process ended meanwhile
                pass
    return found


def _resident_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    except (OSError, IndexError):
        return 0


class TreePeak:
    """The peak, sampled every 20 ms, of the summed resident memory of this process and every
    process below it (workers' peaks add up when they run at once; ru_maxrss is one process's)."""

    def __init__(self, interval: float = 0.02):
        self.interval, self.peak_bytes = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = sum(_resident_bytes(pid) for pid in _tree(os.getpid()))
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def gb(self) -> float:
        return max(self.peak_bytes / 1024**3, peak_memory_gb())

"""Run a benchmark step in a fresh process, so that its peak memory is its own.

``in_child(function, *args)`` calls a module-level function in a new interpreter (multiprocessing's
"spawn": nothing inherited from this process but the arguments) and returns what it returns.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def in_child(function: Callable[..., T], *args) -> T:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def peak_memory_gb() -> float:
    """This process's peak resident memory so far (Linux reports it in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024

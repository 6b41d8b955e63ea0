"""Progress of long steps: a rich progress bar when the CLI runs in a terminal, and a line in the
Prefect run log at every tenth of the way (so scheduled runs show progress in the UI too)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prefect.exceptions import MissingContextError
from prefect.logging import get_logger, get_run_logger


def _logger():
    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger("pophealth")


@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[str], None]]:
    """Yields `step(note)`: call it once per unit of work done (of `total`)."""
    logger, done, logged_tenth = _logger(), 0, 0
    bar = None
    if sys.stderr.isatty() and total > 1:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[note]}"), transient=True)
        bar.start()
        task = bar.add_task(description, total=total, note="")

    def step(note: str = "") -> None:
        nonlocal done, logged_tenth
        done += 1
        if bar is not None:
            bar.update(task, advance=1, note=note)
        tenth = done * 10 // max(total, 1)
        if tenth > logged_tenth or done == total:
            logged_tenth = tenth
            logger.info("%s: %d of %d%s", description, done, total, f" ({note})" if note else "")

    try:
        yield step
    finally:
        if bar is not None:
            bar.stop()

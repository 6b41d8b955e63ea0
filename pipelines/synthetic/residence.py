"""Where each person lived, and with which practice, on a given day: the start (or arrival)
values, changed by the moves dynamics.py simulated."""

from __future__ import annotations

import numpy as np
import pandas as pd

NEVER = np.iinfo(np.int64).max  # the day number of a date that never comes (NaT)


def day_numbers(dates) -> np.ndarray:
    """Dates as days since 1970, a date that never comes (NaT) as NEVER: converted once, so a
    monthly loop's "on or before this day" is one integer comparison, never true for NaT."""
    dates = np.asarray(dates, "datetime64[D]")
    return np.where(np.isnat(dates), NEVER, dates.astype(np.int64))


def here_from(people: pd.DataFrame) -> np.ndarray:
    """The day each person is first in the area: their birth, or their arrival if later."""
    return np.maximum(people["arrived"].to_numpy().astype("datetime64[D]"),
                      people["birth_date"].to_numpy().astype("datetime64[D]"))


def latest_change(moves: pd.DataFrame, rows: np.ndarray, dates: np.ndarray,
                 column: str) -> tuple[np.ndarray, np.ndarray]:
    """For each (row, date): the value of ``column`` of the person's last move on or before the
    date, and whether there was one. ``moves`` must be sorted by row, then date."""
    if moves.empty:
        return np.zeros(rows.size, dtype=object), np.zeros(rows.size, bool)
    day = np.asarray(dates, "datetime64[D]").astype(np.int64)
    span = 1 << 20  # days since 1970 fit in 20 bits until the 48th century
    keys = moves["row"].to_numpy(np.int64) * span + moves["date"].to_numpy("datetime64[D]").astype(
        np.int64)
    wanted = np.asarray(rows, np.int64) * span + day
    at = np.searchsorted(keys, wanted, side="right") - 1
    found = (at >= 0) & (moves["row"].to_numpy()[np.maximum(at, 0)] == rows)
    return moves[column].to_numpy()[np.maximum(at, 0)], found


def lsoa_on(people: pd.DataFrame, moves: pd.DataFrame, rows, dates,
            column: str = "lsoa11") -> np.ndarray:
    """The LSOA 2011 code (or with ``column="place_code"`` the place) each person in ``rows``
    lived in on ``dates``."""
    moved_to, moved = latest_change(moves, np.asarray(rows), dates, column)
    return np.where(moved, moved_to, people[column].to_numpy()[rows])


def practice_on(people: pd.DataFrame, moves: pd.DataFrame, rows, dates) -> np.ndarray:
    """The practice each person in ``rows`` was registered with on ``dates``."""
    changes = moves[moves["practice_code"].notna()]
    moved_to, moved = latest_change(changes, np.asarray(rows), dates, "practice_code")
    return np.where(moved, moved_to, people["practice_code"].to_numpy()[rows])

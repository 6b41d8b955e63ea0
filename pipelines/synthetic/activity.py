"""Service contacts drawn month by month at an age-, deprivation- and season-graded rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age, financial_year_label
from pipelines.synthetic.deaths import month_starts
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.residence import day_numbers


def monthly_events(rng, people: pd.DataFrame, death: np.ndarray, start, end, *,
                   rate_by_age: dict, imd_multiplier: list, year_multiplier: dict,
                   month_multiplier: dict | None = None,
                   person_ratio=None, effect_ratio=None) -> tuple[np.ndarray, np.ndarray]:
    """(person row, day) of each event for the people living in the area each month: none before
    they arrive (or are born), none after they die or leave (``death`` is that exit day).

    ``person_ratio(rows, day)``, if given, is each person's ratio for their state that month; it is
    normalised within five-year age bands and deprivation quintiles, so it moves who has the
    events, not how many. ``effect_ratio(rows, day, age)``, if given, is a programme's hazard ratio,
    not normalised: it changes how many."""
    # Days as integers (days since 1970), converted once: datetime arithmetic and NaT checks on
    # every person every month are what this loop would otherwise spend its time on.
    birth = people["birth_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    arrived = people["arrived"].to_numpy().astype("datetime64[D]").astype(np.int64)
    last = day_numbers(death)
    quintile = people["imd_quintile"].to_numpy() - 1
    imd = np.array(imd_multiplier)[quintile]
    rate_at = _by_whole_age(rate_by_age)
    rows, days = [], []
    for month in month_starts(start, end):
        first = month.astype("datetime64[D]")
        day0 = first.astype(np.int64)
        length = int(((month + 1).astype("datetime64[D]") - first).astype(int))
        idx = np.flatnonzero((arrived < day0 + length) & (last >= day0))
        age = np.clip((day0 - birth[idx]) / DAYS_PER_YEAR, 0, None)
        year, mon = int(str(month)[:4]), int(str(month)[5:7])
        fy = financial_year_label(np.array([year]), np.array([mon]))[0]
        rate = (rate_at(age) * imd[idx] / 12 * year_multiplier[fy]
                * (month_multiplier[mon] if month_multiplier else 1.0))
        if person_ratio is not None:
            ratio = person_ratio(idx, first)
            cell = np.minimum(_floor_div(age, 5), 20).astype(int) * 5 + quintile[idx]
            mean = np.bincount(cell, ratio, minlength=105) / np.maximum(
                np.bincount(cell, minlength=105), 1)
            rate = rate * ratio / mean[cell]
        if effect_ratio is not None:
            rate = rate * effect_ratio(idx, first, age)
        person = np.repeat(idx, rng.poisson(rate))
        day = day0 + rng.integers(0, length, person.size)
        keep = (day <= last[person]) & (day >= arrived[person])
        rows.append(person[keep])
        days.append(day[keep])
    return np.concatenate(rows), np.concatenate(days).astype("datetime64[D]")


def _by_whole_age(table: dict):
    """calibration.by_age for ages >= 0, as a look-up by whole years: a band's lower bound is a
    whole number of years, so the band of an age is the band of its floor (several times faster
    than by_age's search, and the same values)."""
    oldest = max(int(k) for k in table)
    values = by_age(table, np.arange(oldest + 1))

    def rate_at(age: np.ndarray) -> np.ndarray:
        return values[np.minimum(np.floor(age), oldest).astype(np.int64)]
    return rate_at


def _floor_div(x: np.ndarray, d: float) -> np.ndarray:
    """x // d for x >= 0, exactly (floor of the rounded quotient, less one where that rounded up
    past x), without numpy's slow float floor_divide."""
    q = np.floor(x / d)
    return q - (q * d > x)

"""Data-quality problems injected into the deliveries, as real feeds have them (data_contracts/README.md).

Rates come from calibration.yml ``data_quality`` (all zero with ``--clean``). Each source says which
of its columns play which part (`SourceRoles`); a problem that a source cannot have is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class SourceRoles:
    delivered_by: str                       # the date column whose month decides the file
    person: str | None = "person_id"
    person_nullable: bool = False
    lsoa: str | None = None
    icd10: str | None = None
    ethnicity: str | None = None
    activity_dates: tuple[str, ...] = ()    # moved past the date of death for "activity after death"
    can_arrive_late: bool = True
    file_date_columns: tuple[str, ...] = ("extract_date",)  # set to the delivery file's date


def _corrupt_icd10(rng, codes: pd.Series) -> pd.Series:
    """'I219' → 'I21-' or 'I219X' (dash and trailing-X forms seen in real extracts)."""
    dashed = codes.str[:3] + "-"
    trailing = codes.str[:4] + "X"
    return pd.Series(np.where(rng.random(len(codes)) < 0.5, dashed, trailing), index=codes.index)


def _death_of(person: pd.Series, deaths_by_person: pd.Series) -> np.ndarray:
    """Each row's person's date of death (NaT if alive), as ``deaths_by_person.reindex(person)``
    gives it, looked up in Arrow (hashing millions of ids as Python strings costs far more)."""
    ids = pa.array(person, from_pandas=True)
    coded = pa.types.is_dictionary(ids.type)  # a categorical column: each distinct id looked up once
    values = ids.dictionary if coded else ids
    known = pa.array(deaths_by_person.index.to_numpy(), from_pandas=True).cast(values.type)
    at = pc.index_in(values, value_set=known)
    if coded:
        at = at.take(ids.indices)
    at = at.to_numpy(zero_copy_only=False)  # NaN: not found
    found = ~np.isnan(at)
    died = np.full(len(person), np.datetime64("NaT"), deaths_by_person.to_numpy().dtype)
    died[found] = deaths_by_person.to_numpy()[at[found].astype(np.int64)]
    return died


def inject(rng, frame: pd.DataFrame, roles: SourceRoles, rates: dict,
           deaths_by_person: pd.Series) -> pd.DataFrame:
    frame = frame.copy()
    n = len(frame)
    if n == 0:
        return frame

    def pick(rate):
        return rng.random(n) < rate

    if roles.lsoa:
        frame.loc[pick(rates["missing_lsoa_share"]), roles.lsoa] = None
    if roles.icd10:
        chosen = pick(rates["invalid_code_share"]) & frame[roles.icd10].notna().to_numpy()
        frame.loc[chosen, roles.icd10] = _corrupt_icd10(rng, frame.loc[chosen, roles.icd10])
    if roles.ethnicity:
        frame.loc[pick(rates["invalid_code_share"]), roles.ethnicity] = "99"
    if roles.activity_dates and roles.person:
        # Records of a person's last weeks dated after their death (a wrong date, or a record of
        # someone else): not their older history. reindex, not map: map fails on a shard with no
        # deaths (an empty Series).
        died = pd.Series(_death_of(frame[roles.person], deaths_by_person), index=frame.index)
        dated = pd.to_datetime(frame[roles.activity_dates[0]]).to_numpy()
        last_weeks = died.notna().to_numpy() & (
            dated >= (pd.to_datetime(died) - pd.Timedelta(days=60)).to_numpy())
        chosen = pick(rates["activity_after_death_share"] * 10) & last_weeks
        shift = pd.to_timedelta(rng.integers(1, 61, n), unit="D")
        moved = (pd.to_datetime(died) + shift).to_numpy()
        for column in roles.activity_dates:
            frame.loc[chosen, column] = moved[chosen]
    if roles.person:
        others = frame[roles.person].dropna()
        overmatched = pick(rates["person_id_overmatch_share"])
        if len(others):  # the same draws as choosing from the ids themselves
            chosen = rng.choice(len(others), int(overmatched.sum()))
            frame.loc[overmatched, roles.person] = others.iloc[chosen].to_numpy()
        if roles.person_nullable:
            frame.loc[pick(rates["person_id_null_share"]), roles.person] = None
    return frame


def delivery_months(rng, frame: pd.DataFrame, roles: SourceRoles, rates: dict,
                    first_month: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """The rows as delivered and the month each is delivered in: every row in its own month
    (history in the first file), 1-2 months later for late records, and re-submitted records
    again the month after. As (row of ``frame``, month): a re-submitted row appears twice, after
    all the others; the frame itself is not copied (the writer takes the rows once)."""
    month = pd.to_datetime(frame[roles.delivered_by]).to_numpy().astype("datetime64[M]")
    month = np.maximum(month, first_month)
    if roles.can_arrive_late:
        late = rng.random(len(frame)) < rates["late_record_share"]
        month = month + np.where(late, rng.integers(1, 3, len(frame)), 0)
    again = np.flatnonzero(rng.random(len(frame)) < rates["resubmitted_record_share"])
    return np.concatenate([np.arange(len(frame)), again]), np.concatenate([month, month[again] + 1])

"""GP registrations (data_contracts/gp_registrations.yml): the whole list first, then each month's changes.

Each row is a version of one registration; a later delivery of the same person x practice x start
replaces the earlier one (for example when the registration is closed after a death).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def registration_versions(
    rng: np.random.Generator, people: pd.DataFrame, death: np.ndarray, cal: dict,
    start: np.datetime64, end: np.datetime64,
) -> pd.DataFrame:
    """Registration versions with the day each becomes known (``known_on``), before ``end``."""
    gp = cal["gp_registrations"]
    base = pd.DataFrame({
        "person_id": people["person_id"].to_numpy(),
        "sex": people["sex"].to_numpy(),
        "birth_year_month": people["birth_date"].to_numpy().astype("datetime64[M]")
        .astype("datetime64[D]"),
        "ethnic_category": people["ethnic_category"].to_numpy(),
        "lsoa11": people["lsoa11"].to_numpy(),
        "practice_code": people["practice_code"].to_numpy(),
        "registration_start_date": people["registration_start"].to_numpy().astype("datetime64[D]"),
        "registration_end_date": np.full(len(people), np.datetime64("NaT"), "datetime64[D]"),
        "date_of_death": np.full(len(people), np.datetime64("NaT"), "datetime64[D]"),
        "source_system": "GP_EXTRACT",
    })
    # First version: known on the start date (existing list) or on registration (new babies).
    base["known_on"] = np.maximum(base["registration_start_date"].to_numpy(), start)

    died = np.flatnonzero(~np.isnat(death))
    closed = base.iloc[died].copy()
    lag = rng.integers(0, gp["closure_lag_days_max"] + 1, died.size).astype("timedelta64[D]")
    never_closed = rng.random(died.size) < gp["share_never_closed_after_death"]
    closed["date_of_death"] = death[died]
    closed["registration_end_date"] = np.where(never_closed, np.datetime64("NaT"), death[died] + lag)
    closed["known_on"] = death[died] + lag
    versions = pd.concat([base, closed], ignore_index=True)
    versions = versions[versions["known_on"] < end]
    # A month's file carries only the latest version of a registration that changed in it.
    month = versions["known_on"].to_numpy().astype("datetime64[M]")
    key = ["person_id", "practice_code", "registration_start_date"]
    return versions[~versions.assign(_month=month).duplicated(key + ["_month"], keep="last")]

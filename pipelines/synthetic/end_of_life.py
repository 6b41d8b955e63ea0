"""The palliative care register and the EPaCCS end-of-life record (data_contracts/epaccs_records.yml,
SCCI1580)."""

from __future__ import annotations

import numpy as np
import pandas as pd

PLACE_TO_DEATH_LOCATION = {"hospital": "10", "home": "21", "hospice": "30", "care_home": "40",
                           "other": "50"}
CONSENT_GIVEN, DNACPR, FOR_CPR = 882921000000109, 450476008, 450475007
PROGNOSIS = [968211000000101, 955231000000109, 511401000000102]  # last months / weeks / days
NOT_STATED_REASONS = [517111000000103, 517131000000106, 766391000000108, 517161000000101]


def palliative_register_dates(people: pd.DataFrame, profiles: pd.DataFrame) -> np.ndarray:
    """Date each person joined the palliative care register (NaT if never). The register holds
    people in their last months: those who died in the period, and those who die in the months
    simulated after it (deaths.decedent_profiles decides who joins, and when)."""
    joined = np.full(len(people), np.datetime64("NaT"), "datetime64[D]")
    joined[profiles["row"].to_numpy()] = profiles["palliative_from"].to_numpy()
    return joined


def advance_care_plan_dates(people: pd.DataFrame, profiles: pd.DataFrame) -> np.ndarray:
    """Date of each person's advance care plan (NaT if none): deaths.decedent_profiles'."""
    plan = np.full(len(people), np.datetime64("NaT"), "datetime64[D]")
    plan[profiles["row"].to_numpy()] = profiles["advance_care_plan"].to_numpy()
    return plan


def epaccs_extract(rng, people, profiles: pd.DataFrame, palliative: np.ndarray, cal, end):
    """Record versions: created when the person joins the register; updated at death."""
    eol = cal["end_of_life"]
    rows = np.flatnonzero(~np.isnat(palliative))
    created = palliative[rows]
    n = rows.size
    by_row = profiles.set_index("row")
    preferred = by_row["preferred_place"].reindex(rows).to_numpy()
    plan = by_row["advance_care_plan"].reindex(rows).to_numpy().astype("datetime64[D]")
    first = pd.DataFrame({
        "person_id": people["person_id"].to_numpy()[rows],
        "record_created_date": created,
        "consent_status": CONSENT_GIVEN,
        "likely_prognosis": rng.choice(PROGNOSIS, n, p=[0.7, 0.2, 0.1]),
        "advance_care_plan_date": plan,
        "ppd_1st_choice": preferred,
        "ppd_not_stated_reason": np.where(pd.isna(preferred), rng.choice(NOT_STATED_REASONS, n),
                                          None),
        "cpr_decision": np.where(rng.random(n) < eol["dnacpr_share"], DNACPR, FOR_CPR),
        "cpr_decision_date": created,
        "date_of_death": np.datetime64("NaT"),
        "actual_place_of_death": None,
        "known_on": created,
        "source_system": "EPACCS",
    })
    died = np.isin(rows, by_row.index)
    final = first[died].copy()
    decedents = by_row.loc[rows[died]]
    final["date_of_death"] = decedents["date_of_death"].to_numpy()
    final["actual_place_of_death"] = [PLACE_TO_DEATH_LOCATION[p] for p in
                                      decedents["place_of_death"]]
    final["known_on"] = final["date_of_death"] + np.timedelta64(3, "D")
    frame = pd.concat([first, final], ignore_index=True)
    frame = frame[frame["known_on"] < end]
    return frame.sort_values(["known_on", "person_id"], kind="stable").reset_index(drop=True)

"""The palliative care register and the EPaCCS end-of-life record (data_contracts/epaccs_records.yml,
SCCI1580)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.population import DAYS_PER_YEAR

PLACE_TO_DEATH_LOCATION = {"hospital": "10", "home": "21", "hospice": "30", "care_home": "40",
                           "other": "50"}
CONSENT_GIVEN, DNACPR, FOR_CPR = 882921000000109, 450476008, 450475007
PROGNOSIS = [968211000000101, 955231000000109, 511401000000102]  # last months / weeks / days
NOT_STATED_REASONS = [517111000000103, 517131000000106, 766391000000108, 517161000000101]


def palliative_register_dates(rng, people: pd.DataFrame, death: np.ndarray,
                              profiles: pd.DataFrame, end) -> np.ndarray:
    """Date each person joined the palliative care register (NaT if never): the decedents chosen
    in their profiles, plus living people with a poor prognosis who joined in the last year."""
    joined = np.full(len(people), np.datetime64("NaT"), "datetime64[D]")
    joined[profiles["row"].to_numpy()] = profiles["palliative_from"].to_numpy()
    age = (end - people["birth_date"].to_numpy().astype("datetime64[D]")).astype(int) / DAYS_PER_YEAR
    p_living = np.where(age >= 65, 0.004, 0.0005) * np.where(people["frailty"].to_numpy() == 3, 3, 1)
    living = np.isnat(death) & (rng.random(len(people)) < p_living)
    joined[living] = end - rng.integers(1, 365, int(living.sum())).astype("timedelta64[D]")
    return joined


def epaccs_extract(rng, people, profiles: pd.DataFrame, palliative: np.ndarray, cal, end):
    """Record versions: created when the person joins the register; updated at death."""
    eol = cal["end_of_life_register"]
    rows = np.flatnonzero(~np.isnat(palliative))
    created = palliative[rows]
    n = rows.size
    by_row = profiles.set_index("row")
    preferred = by_row["preferred_place"].reindex(rows).to_numpy()
    living_pref = pd.isna(preferred) & (rng.random(n) < eol["preference_recorded"] * 0.6)
    preferred = np.where(living_pref, rng.choice(list(eol["preferred_place_shares"]), n), preferred)
    first = pd.DataFrame({
        "person_id": people["person_id"].to_numpy()[rows],
        "record_created_date": created,
        "consent_status": CONSENT_GIVEN,
        "likely_prognosis": rng.choice(PROGNOSIS, n, p=[0.7, 0.2, 0.1]),
        "advance_care_plan_date": np.where(rng.random(n) < 0.6, created, np.datetime64("NaT")),
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

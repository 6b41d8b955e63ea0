"""Who dies when, of what and where: month-by-month hazards, end-of-life care, civil registration."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age, financial_year_label, shares
from pipelines.synthetic.population import DAYS_PER_YEAR

# NHS DD Death Location Type (preferred) → place-of-death group (indicator EOL-03).
PREFERENCE_TO_PLACE = {"10": "hospital", "21": "home", "22": "home", "30": "hospice",
                       "40": "care_home", "50": "other"}


def month_starts(start: np.datetime64, end: np.datetime64) -> np.ndarray:
    return np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]"))


def in_care_home(people: pd.DataFrame, on: np.ndarray) -> np.ndarray:
    since = people["care_home_from"].to_numpy().astype("datetime64[D]")
    return ~np.isnat(since) & (since <= on)


def simulate_deaths(rng, people: pd.DataFrame, cal: dict, start, end) -> np.ndarray:
    """Date of death for each person (NaT if alive at the end), from monthly hazards."""
    mort = cal["mortality"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    person_mult = (people["sex"].map({k: float(v) for k, v in mort["sex_multiplier"].items()})
                   .to_numpy() * np.array(mort["frailty_multiplier"])[people["frailty"].to_numpy()])
    quintile = people["imd_quintile"].to_numpy() - 1
    under75 = np.array(mort["imd_multiplier_under75"])[quintile]
    over75 = np.array(mort["imd_multiplier_75plus"])[quintile]
    home_from = people["care_home_from"].to_numpy().astype("datetime64[D]")
    death = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[D]")
    for month in month_starts(start, end):
        first = month.astype("datetime64[D]")
        days = ((month + 1).astype("datetime64[D]") - first).astype(int)
        alive = np.isnat(death) & (birth < first + days)
        age = (first - birth[alive]).astype(int) / DAYS_PER_YEAR
        year, mon = int(str(month)[:4]), int(str(month)[5:7])
        fy = financial_year_label(np.array([year]), np.array([mon]))[0]
        resident = ~np.isnat(home_from[alive]) & (home_from[alive] <= first)
        annual = (by_age(mort["annual_rate_by_age"], age) * person_mult[alive]
                  * np.where(age < 75, under75[alive], over75[alive])
                  * np.where(resident, mort["care_home_multiplier"], 1.0)
                  * mort["month_multiplier"][mon] * mort["year_multiplier"][fy])
        hazard = 1 - (1 - np.clip(annual, 0, 0.95)) ** (1 / 12)
        dies = rng.random(alive.sum()) < hazard
        idx = np.flatnonzero(alive)[dies]
        earliest = np.maximum(birth[idx], first)
        span = (first + days - earliest).astype(int)
        death[idx] = earliest + (rng.random(idx.size) * span).astype(int)
    return death


def decedent_profiles(rng, people: pd.DataFrame, death: np.ndarray, cal: dict) -> pd.DataFrame:
    """One row per person who died: cause, palliative register, preference and place of death."""
    mort, gp, eol = cal["mortality"], cal["gp_events"], cal["end_of_life_register"]
    idx = np.flatnonzero(~np.isnat(death))
    n = idx.size
    died = death[idx]
    groups, p = shares(mort["cause_groups"])
    group = np.array(groups, dtype=object)[rng.choice(len(groups), size=n, p=p)]
    cause = np.empty(n, dtype=object)
    for name in groups:
        members = group == name
        cause[members] = rng.choice(mort["cause_groups"][name]["codes"], size=int(members.sum()))

    # Anticipated deaths (not external causes) may be on the palliative care register beforehand.
    register = gp["palliative_register"]
    on_register = (group != "external") & (rng.random(n) < register["share_of_anticipated_deaths"])
    lead_days = (rng.exponential(register["months_before_death_mean"], n) * 30.4 + 3).astype(int)
    register_from = np.where(on_register, died - lead_days.astype("timedelta64[D]"),
                             np.datetime64("NaT"))
    resident = in_care_home(people.iloc[idx], died)
    recorded = on_register & (rng.random(n) < eol["preference_recorded"])
    at_home_choice = rng.choice(list(eol["preferred_place_shares"]), n,
                                p=shares(eol["preferred_place_shares"])[1])
    preferred = np.where(recorded, np.where(resident, "40", at_home_choice), None)

    places = list(mort["place_of_death"])
    pod = mort["place_of_death"]
    place = np.empty(n, dtype=object)
    for flag, key in ((True, "care_home_resident"), (False, "elsewhere")):
        mask = resident == flag
        probs = np.array([pod[k][key] for k in places])
        place[mask] = rng.choice(places, int(mask.sum()), p=probs / probs.sum())
    met = pd.notna(preferred) & (rng.random(n) < eol["achieved_preference"])
    place[met] = [PREFERENCE_TO_PLACE[code] for code in preferred[met]]
    return pd.DataFrame({
        "row": idx, "date_of_death": died, "cause_group": group, "cause_icd10": cause,
        "palliative_from": register_from, "preferred_place": preferred, "place_of_death": place,
        "care_home_resident": resident,
    })


def deaths_extract(rng, people: pd.DataFrame, profiles: pd.DataFrame, cal: dict, end) -> pd.DataFrame:
    """Civil-registration rows (data_contracts/civil_registration_deaths.yml) for deaths
    registered before the extract end."""
    mort = cal["mortality"]
    idx = profiles["row"].to_numpy()
    n = idx.size
    died = profiles["date_of_death"].to_numpy().astype("datetime64[D]")
    delay_cal = mort["registration_delay_days"]
    coroner = (rng.random(n) < delay_cal["coroner_share"]) | (profiles["cause_group"] == "external")
    median = np.where(coroner, delay_cal["coroner_median"], delay_cal["median"])
    registered = died + np.round(median * rng.lognormal(0, 0.6, n)).astype(int)
    age = ((died - people["birth_date"].to_numpy()[idx].astype("datetime64[D]")).astype(int)
           / DAYS_PER_YEAR).astype(int)
    pod = mort["place_of_death"]
    place = profiles["place_of_death"].to_numpy()
    person = people["person_id"].to_numpy()[idx].copy()
    person[rng.random(n) < mort["share_person_id_unmatched"]] = None
    lsoa = people["lsoa11"].to_numpy()[idx].copy()
    lsoa[rng.random(n) < mort["share_lsoa_missing"]] = None
    frame = pd.DataFrame({
        "person_id": person,
        "REG_DATE_OF_DEATH": died,
        "REG_DATE": registered,
        "DEC_SEX": people["sex"].to_numpy()[idx],
        "DEC_AGEC": age,
        "LSOA_OF_RESIDENCE_CODE": lsoa,
        "GP_PRACTICE_CODE": people["practice_code"].to_numpy()[idx],
        "S_UNDERLYING_COD_ICD10": profiles["cause_icd10"].to_numpy(),
        "POD_CODE": [pod[p]["pod_code"] for p in place],
        "POD_ESTABLISHMENT_TYPE": [pod[p]["establishment_type"] for p in place],
        "source_system": "ONS_CIVIL_REGISTRATION",
    })
    frame = frame[frame["REG_DATE"] < end]
    return frame.sort_values(["REG_DATE", "REG_DATE_OF_DEATH", "DEC_AGEC"], kind="stable")

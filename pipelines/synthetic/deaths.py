"""Who dies when, of what and where: month-by-month hazards, then the civil-registration extract."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age, financial_year_label, shares
from pipelines.synthetic.population import DAYS_PER_YEAR


def month_starts(start: np.datetime64, end: np.datetime64) -> np.ndarray:
    return np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]"))


def simulate_deaths(
    rng: np.random.Generator, people: pd.DataFrame, cal: dict,
    start: np.datetime64, end: np.datetime64,
) -> np.ndarray:
    """Date of death for each person (NaT if alive at the end), from monthly hazards."""
    mort = cal["mortality"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    sex_mult = people["sex"].map({k: float(v) for k, v in mort["sex_multiplier"].items()}).to_numpy()
    quintile = people["imd_quintile"].to_numpy() - 1
    under75 = np.array(mort["imd_multiplier_under75"])[quintile]
    over75 = np.array(mort["imd_multiplier_75plus"])[quintile]
    death = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[D]")
    for month in month_starts(start, end):
        first = month.astype("datetime64[D]")
        days = ((month + 1).astype("datetime64[D]") - first).astype(int)
        alive = np.isnat(death) & (birth < first + days)
        age = (first - birth[alive]).astype(int) / DAYS_PER_YEAR
        year, mon = int(str(month)[:4]), int(str(month)[5:7])
        fy = financial_year_label(np.array([year]), np.array([mon]))[0]
        annual = (by_age(mort["annual_rate_by_age"], age) * sex_mult[alive]
                  * np.where(age < 75, under75[alive], over75[alive])
                  * mort["month_multiplier"][mon] * mort["year_multiplier"][fy])
        hazard = 1 - (1 - np.clip(annual, 0, 0.95)) ** (1 / 12)
        dies = rng.random(alive.sum()) < hazard
        idx = np.flatnonzero(alive)[dies]
        earliest = np.maximum(birth[idx], first)
        span = (first + days - earliest).astype(int)
        death[idx] = earliest + (rng.random(idx.size) * span).astype(int)
    return death


def deaths_extract(
    rng: np.random.Generator, people: pd.DataFrame, death: np.ndarray, cal: dict,
    end: np.datetime64,
) -> pd.DataFrame:
    """Civil-registration rows (SOURCES_SPEC §5) for deaths registered before the extract end."""
    mort = cal["mortality"]
    idx = np.flatnonzero(~np.isnat(death))
    n = idx.size
    died = death[idx]
    delay_cal = mort["registration_delay_days"]
    coroner = rng.random(n) < delay_cal["coroner_share"]
    median = np.where(coroner, delay_cal["coroner_median"], delay_cal["median"])
    delay = np.round(median * rng.lognormal(0, 0.6, n)).astype(int)
    registered = died + delay
    age = ((died - people["birth_date"].to_numpy()[idx].astype("datetime64[D]")).astype(int)
           / DAYS_PER_YEAR).astype(int)

    groups, p = shares(mort["cause_groups"])
    group = rng.choice(len(groups), size=n, p=p)
    cause = np.empty(n, dtype=object)
    for g, name in enumerate(groups):
        codes = mort["cause_groups"][name]["codes"]
        members = group == g
        cause[members] = rng.choice(codes, size=int(members.sum()))

    places, p_place = shares(mort["place_of_death"])
    place = rng.choice(len(places), size=n, p=p_place)
    pod = mort["place_of_death"]
    pod_code = np.array([pod[k]["pod_code"] for k in places], dtype=object)[place]
    est_type = np.array([pod[k]["establishment_type"] for k in places], dtype=object)[place]

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
        "S_UNDERLYING_COD_ICD10": cause,
        "POD_CODE": pod_code,
        "POD_ESTABLISHMENT_TYPE": est_type,
        "source_system": "ONS_CIVIL_REGISTRATION",
    })
    frame = frame[frame["REG_DATE"] < end]
    return frame.sort_values(["REG_DATE", "REG_DATE_OF_DEATH", "DEC_AGEC"], kind="stable")

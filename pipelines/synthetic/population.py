"""Synthetic people: placed on real LSOAs by population and age, with sex, ethnicity and practice.

The people alive at the start are drawn LSOA by broad age group (0-15, 16-59, 60+) in proportion to
the IoD2019 denominators, then given a single year of age from the England age profile within
their group. Babies born during the period join the list at birth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age, shares

BROAD_GROUPS = (("pop_0_15_mid2015", 0, 15), ("pop_16_59_mid2015", 16, 59),
                ("pop_60plus_mid2015", 60, 99))
DAYS_PER_YEAR = 365.25


def _single_year_weights(profile: dict) -> np.ndarray:
    """Weight of each single year of age 0..99 from a 5-year-band profile."""
    weights = np.zeros(100)
    for band, value in profile.items():
        low, high = (int(x) for x in band.split("-"))
        weights[low: high + 1] = value / (high - low + 1)
    return weights


def _practices(lsoas: pd.DataFrame, rng: np.random.Generator, per_practice: int) -> pd.Series:
    """A home practice for each LSOA: each LAD gets practices in proportion to its population."""
    pop = lsoas[[g for g, _, _ in BROAD_GROUPS]].sum(axis=1)
    home = pd.Series(index=lsoas.index, dtype=object)
    serial = 1
    for _, rows in lsoas.groupby("lad19cd", sort=True):
        n_practices = max(1, round(pop[rows.index].sum() / per_practice))
        codes = [f"C84{serial + i:03d}" for i in range(n_practices)]
        serial += n_practices
        home[rows.index] = rng.choice(codes, size=len(rows))
    return home


def _person_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Pseudonymous 16-hex-digit surrogates (stand-ins for the upstream keyed hash)."""
    raw = rng.integers(0, 2**63, size=n, dtype=np.int64)
    return np.array([f"{x:016x}" for x in raw], dtype=object)


def build_population(
    rng: np.random.Generator, lsoas: pd.DataFrame, cal: dict, persons: int,
    start: np.datetime64, end: np.datetime64,
) -> pd.DataFrame:
    pop_cal = cal["population"]
    weights_by_age = _single_year_weights(pop_cal["age_profile_england_2019"])

    # People alive at the start: LSOA x broad group cells, then a single year of age.
    cells = lsoas[[g for g, _, _ in BROAD_GROUPS]].to_numpy(dtype=float).ravel()
    cell = rng.choice(cells.size, size=persons, p=cells / cells.sum())
    lsoa_idx, group = cell // len(BROAD_GROUPS), cell % len(BROAD_GROUPS)
    age = np.empty(persons, dtype=int)
    for g, (_, low, high) in enumerate(BROAD_GROUPS):
        members = np.flatnonzero(group == g)
        w = weights_by_age[low: high + 1]
        age[members] = low + rng.choice(w.size, size=members.size, p=w / w.sum())
    age_days = ((age + rng.random(persons)) * DAYS_PER_YEAR).astype(int)
    birth = start - age_days.astype("timedelta64[D]")
    # Registered at the current practice for up to ~10 years (or since birth).
    tenure = np.minimum(age_days, (rng.exponential(10, persons) * DAYS_PER_YEAR).astype(int))
    reg_start = start - tenure.astype("timedelta64[D]")

    # Babies born during the period, placed by the 0-15 population.
    years = (end - start).astype(int) / DAYS_PER_YEAR
    n_births = rng.poisson(pop_cal["birth_rate"] * persons * years)
    child_pop = lsoas["pop_0_15_mid2015"].to_numpy(dtype=float)
    birth_lsoa = rng.choice(len(lsoas), size=n_births, p=child_pop / child_pop.sum())
    born = start + rng.integers(0, (end - start).astype(int), n_births).astype("timedelta64[D]")
    born_reg = born + rng.integers(0, 43, n_births).astype("timedelta64[D]")

    people = pd.DataFrame({
        "lsoa_idx": np.concatenate([lsoa_idx, birth_lsoa]),
        "birth_date": np.concatenate([birth, born]),
        "registration_start": np.concatenate([reg_start, np.minimum(born_reg, end - 1)]),
        "born_in_period": np.concatenate([np.zeros(persons, bool), np.ones(n_births, bool)]),
    })
    n = len(people)
    people["person_id"] = _person_ids(rng, n)
    start_age = np.clip((start - people["birth_date"].to_numpy()).astype(int) / DAYS_PER_YEAR, 0, None)
    female = rng.random(n) < by_age(pop_cal["female_share"], start_age)
    people["sex"] = np.where(female, "2", "1")
    area = lsoas.iloc[people["lsoa_idx"]]
    people["lsoa11"] = area["lsoa11cd"].to_numpy()
    people["lad19cd"] = area["lad19cd"].to_numpy()
    people["place_code"] = area["place_code"].to_numpy()
    people["imd_quintile"] = area["imd_quintile"].to_numpy(dtype=int)
    people["ethnic_category"] = _ethnicity(rng, people["place_code"].to_numpy(), pop_cal["ethnicity"])

    home = _practices(lsoas, rng, pop_cal["patients_per_practice"]).to_numpy()
    lad_practices = {lad: np.unique(home[rows.index]) for lad, rows in lsoas.groupby("lad19cd")}
    practice = home[people["lsoa_idx"]].astype(object)
    elsewhere = rng.random(n) < 0.15  # 15% registered away from their LSOA's usual practice
    lads = people["lad19cd"].to_numpy()
    for lad, codes in lad_practices.items():
        mask = elsewhere & (lads == lad)
        practice[mask] = rng.choice(codes, size=int(mask.sum()))
    people["practice_code"] = practice
    return people


def _ethnicity(rng: np.random.Generator, places: np.ndarray, cal: dict) -> np.ndarray:
    out = np.empty(places.size, dtype=object)
    for key, mask in (("nottingham_city", places == "nottingham_city"),
                      ("county", places != "nottingham_city")):
        codes, p = shares(cal[key])
        out[mask] = rng.choice(codes, size=int(mask.sum()), p=p)
    recording = rng.random(places.size)
    out[recording < cal["not_recorded"]] = None
    not_stated = (recording >= cal["not_recorded"]) & (
        recording < cal["not_recorded"] + cal["not_stated"])
    out[not_stated] = "Z"
    return out

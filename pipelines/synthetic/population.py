"""Synthetic people: placed on real LSOAs by population and age, with sex, ethnicity and practice.

Three kinds of people join the registered population:
- those registered at the start, drawn LSOA by broad age group (0-15, 16-59, 60+) in proportion to
  the IoD2019 denominators, then given a single year of age from the England age profile;
- babies born during the period, who join at birth;
- people moving into the area during the period (``arrived``), young adults most, students into
  Nottingham City's student areas every autumn. Their number is the out-migration expected from
  the people here (``dynamics.py`` draws who leaves), so the list neither drains nor floods.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age, shares
from pipelines.synthetic.geography import ics_lsoas
from pipelines.synthetic.sharding import hex16

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


def usual_practices(per_practice: int) -> pd.Series:
    """The usual practice of every ICS LSOA (lsoa11cd -> practice code), the same whatever shard
    asks: each district has practices in proportion to its population (mid-2015), each serving a
    run of neighbouring LSOAs (in code order) of about the same population."""
    lsoas = ics_lsoas()
    pop = lsoas[[g for g, _, _ in BROAD_GROUPS]].sum(axis=1).to_numpy(dtype=float)
    home = np.empty(len(lsoas), dtype=object)
    serial = 1
    for _, rows in lsoas.groupby("lad19cd", sort=True):
        at = rows.index.to_numpy()
        n_practices = max(1, round(pop[at].sum() / per_practice))
        # the practice whose share of the district's population each LSOA falls in
        share = (np.cumsum(pop[at]) - pop[at] / 2) / pop[at].sum()
        home[at] = [f"C84{serial + k:03d}" for k in np.minimum((share * n_practices).astype(int),
                                                               n_practices - 1)]
        serial += n_practices
    return pd.Series(home, index=lsoas["lsoa11cd"].to_numpy())


def _person_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Pseudonymous 16-hex-digit surrogates (stand-ins for the upstream keyed hash)."""
    return hex16(rng.integers(0, 2**63, size=n, dtype=np.int64))


def student_areas(lsoas: pd.DataFrame, rule: dict) -> np.ndarray:
    """Row positions of the LSOAs students move into: those of the named place where most
    residents were of working age in mid-2015 (the halls and shared houses of the universities)."""
    total = lsoas[[g for g, _, _ in BROAD_GROUPS]].sum(axis=1)
    share = lsoas["pop_16_59_mid2015"] / total
    return np.flatnonzero(((lsoas["place_code"] == rule["place"])
                           & (share >= rule["min_working_age_share"])).to_numpy())


def expected_out_migrants(ages: np.ndarray, rate_by_age: dict, years: float) -> float:
    """People expected to leave the area in ``years`` at the out-migration rates."""
    return float(by_age(rate_by_age, ages).sum() * years)


def _incomers(rng, lsoas: pd.DataFrame, cal: dict, start_ages: np.ndarray, start, end):
    """(LSOA row, arrival day, age on arrival) of the people moving into the area."""
    mig = cal["migration"]
    days = int((end - start).astype(int))
    years = days / DAYS_PER_YEAR
    pop = lsoas[[g for g, _, _ in BROAD_GROUPS]].to_numpy(dtype=float).sum(axis=1)
    students = student_areas(lsoas, mig["students"])
    # Students: each autumn, a cohort aged 18-19 into the student areas (September/October).
    residents = start_ages.size * pop[students].sum() / pop.sum()  # in this sample
    n_students = rng.poisson(mig["students"]["per_1000_students_area_residents"] / 1000
                             * residents * years) if students.size else 0
    autumns = [np.datetime64(f"{y}-09-15") for y in range(int(str(start)[:4]), int(str(end)[:4]) + 1)]
    autumns = [a for a in autumns if start <= a < end] or [start]
    s_day = np.array(autumns)[rng.integers(0, len(autumns), n_students)] \
        + rng.integers(-14, 30, n_students).astype("timedelta64[D]")
    s_day = np.clip(s_day, start, end - 1)
    s_lsoa = students[rng.integers(0, max(students.size, 1), n_students)] if n_students else \
        np.zeros(0, int)
    s_age = 18 + rng.random(n_students) * 1.5
    # Everyone else: as many as are expected to leave (less the students' own leaving, counted
    # in the out-migration rates), with the out-migrants' age profile, placed by population.
    n_others = rng.poisson(max(expected_out_migrants(start_ages, mig["out_rate_by_age"], years)
                               * mig["in_to_out_ratio"] - n_students, 0))
    ages, weights = np.arange(100), by_age(mig["out_rate_by_age"], np.arange(100))
    profile = _single_year_weights(cal["population"]["age_profile_england_2019"]) * weights
    o_age = rng.choice(ages, n_others, p=profile / profile.sum()) + rng.random(n_others)
    o_lsoa = rng.choice(len(lsoas), n_others, p=pop / pop.sum())
    o_day = start + rng.integers(0, days, n_others).astype("timedelta64[D]")
    return (np.concatenate([s_lsoa, o_lsoa]), np.concatenate([s_day, o_day]),
            np.concatenate([s_age, o_age]))


def build_population(
    rng: np.random.Generator, lsoas: pd.DataFrame, cal: dict, persons: int,
    start: np.datetime64, end: np.datetime64,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The people, and the usual practice of each LSOA row (where people who move register)."""
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

    in_lsoa, in_day, in_age = _incomers(rng, lsoas, cal, age + 0.5, start, end)
    in_birth = in_day - (in_age * DAYS_PER_YEAR).astype(int).astype("timedelta64[D]")
    in_reg = np.minimum(in_day + rng.integers(0, 60, in_day.size).astype("timedelta64[D]"), end - 1)

    kind = np.repeat(["resident", "born", "incomer"], [persons, n_births, in_day.size])
    people = pd.DataFrame({
        "lsoa_idx": np.concatenate([lsoa_idx, birth_lsoa, in_lsoa]),
        "birth_date": np.concatenate([birth, born, in_birth]),
        "registration_start": np.concatenate([reg_start, np.minimum(born_reg, end - 1), in_reg]),
        "born_in_period": kind == "born",
        # the day the person joins the area's registered population (presence starts)
        "arrived": np.concatenate([np.full(persons, start), born, in_day]).astype("datetime64[D]"),
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

    home = usual_practices(pop_cal["patients_per_practice"]).reindex(lsoas["lsoa11cd"]).to_numpy()
    lad_practices = {lad: np.unique(home[rows.index]) for lad, rows in lsoas.groupby("lad19cd")}
    practice = home[people["lsoa_idx"]].astype(object)
    elsewhere = rng.random(n) < 0.15  # 15% registered away from their LSOA's usual practice
    lads = people["lad19cd"].to_numpy()
    for lad, codes in lad_practices.items():
        mask = elsewhere & (lads == lad)
        practice[mask] = rng.choice(codes, size=int(mask.sum()))
    people["practice_code"] = practice
    return people, home


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

"""Risk factors, long-term conditions, frailty and care-home residence for each synthetic person.

Drawn once, at the start of the period (or at birth), from age-banded prevalences with deprivation
multipliers (calibration.yml ``conditions``). Diagnoses are mostly historical; about one in ten is
made during the period, so registers grow. Hypertension instead ages with the person: true
hypertension, diagnosed or not, follows the expected-prevalence model that A2-09 divides by at every
age, and only a share by quintile is diagnosed, soon after onset: the demo's under-diagnosis is
known and steady as the population ages (column ``hypertension_onset``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.world import WORLD_DIR

REGISTERS = ("hypertension", "diabetes", "copd", "asthma", "smi", "dementia", "learning_disability")


def _prevalence(spec: dict, age: np.ndarray, quintile: np.ndarray) -> np.ndarray:
    lowest = min(int(k) for k in spec["by_age"])
    base = np.where(age >= lowest, by_age(spec["by_age"], np.maximum(age, lowest)), 0.0)
    return np.clip(base * np.array(spec["imd_multiplier"])[quintile - 1], 0, 0.95)


# NHS ethnic category -> the groups of the indicators' breakdowns: a copy of the dbt macro
# ethnicity_group (its home), kept in step by tests/unit/test_synthetic.py.
ETHNICITY_GROUPS = {**dict.fromkeys("ABC", "White"), **dict.fromkeys("DEFG", "Mixed"),
                    **dict.fromkeys("HJKL", "Asian"), **dict.fromkeys("MNP", "Black"),
                    **dict.fromkeys("RS", "Other")}


def true_hypertension_probability(people: pd.DataFrame, age: np.ndarray) -> np.ndarray:
    """Each person's chance of having hypertension, diagnosed or not: the model of A2-09's expected
    prevalence, in the generator's own copy (world/hypertension_*.csv, checked against the
    indicator's seeds by tests/unit/test_synthetic_world.py), so the demo's truth and the
    indicator's expectation are one model (0 under 18)."""
    baseline = pd.read_csv(WORLD_DIR / "hypertension_prevalence.csv")
    ratios = pd.read_csv(WORLD_DIR / "hypertension_odds_ratios.csv", dtype={"level": str})
    ratio = {(f, lv): r for f, lv, r in zip(ratios["factor"], ratios["level"], ratios["odds_ratio"],
                                             strict=True)}
    sex = np.where(people["sex"].to_numpy() == "2", "Female", "Male")
    years = np.floor(age)
    p = np.zeros(len(people))
    for row in baseline.itertuples():
        band = (sex == row.sex) & (years >= row.age_lower) & (years <= row.age_upper)
        p[band] = row.expected_prevalence
    levels = {f: {lv: r for (f2, lv), r in ratio.items() if f2 == f}
              for f in ("imd_quintile", "ethnicity_group")}
    quintile = people["imd_quintile"].astype(str).map(levels["imd_quintile"]).fillna(1.0)
    group = people["ethnic_category"].map(ETHNICITY_GROUPS).fillna("Not stated")
    ethnicity = group.map(levels["ethnicity_group"]).fillna(1.0)
    odds = p / (1 - p) * quintile.to_numpy() * ethnicity.to_numpy()
    return odds / (1 + odds)


def _hypertension_dates(rng, people: pd.DataFrame, c: dict, end) -> tuple[np.ndarray, np.ndarray]:
    """Onset of true hypertension and date of diagnosis (NaT if not by ``end``).

    One uniform draw u per person: truly hypertensive from the first birthday at which the model's
    probability (rising with age) exceeds u, so prevalence at every age is the model's and new cases
    arise as people age. Ages count from the first of the birth month, as A2-09's do (the day is
    suppressed in the extracts). A second draw against the quintile's diagnosed share decides who is
    ever diagnosed; they are coded within ``hypertension_diagnosis_lag_days`` of onset, so the
    register / expected ratio stays near that share every year."""
    n = len(people)
    u, diagnosable = rng.random(n), rng.random(n)
    lag = rng.integers(0, c["hypertension_diagnosis_lag_days"] + 1, n).astype("timedelta64[D]")
    ages = sorted(pd.read_csv(WORLD_DIR / "hypertension_prevalence.csv")["age_lower"].unique())
    onset_age = np.full(n, -1)
    for a in ages:  # the probability only changes where an age band starts
        reached = (onset_age < 0) & (true_hypertension_probability(people, np.full(n, float(a))) > u)
        onset_age[reached] = a
    birth_month = people["birth_date"].to_numpy().astype("datetime64[M]")
    onset = (birth_month + np.maximum(onset_age, 0) * 12).astype("datetime64[D]")
    onset = np.where((onset_age >= 0) & (onset < end), onset, np.datetime64("NaT"))
    share = np.array(c["hypertension_diagnosed_share"])[people["imd_quintile"].to_numpy() - 1]
    diagnosed = np.where(diagnosable < share, onset + lag, np.datetime64("NaT"))
    return onset, np.where(diagnosed < end, diagnosed, np.datetime64("NaT"))


def _diagnosis_dates(rng, has: np.ndarray, birth: np.ndarray, start, end) -> np.ndarray:
    """Mostly before the start (up to 15 years, never before birth); 10% during the period."""
    n = has.size
    before = start - (rng.exponential(6, n) * DAYS_PER_YEAR).astype("timedelta64[D]")
    during = start + rng.integers(0, (end - start).astype(int), n).astype("timedelta64[D]")
    when = np.where(rng.random(n) < 0.1, during, before)
    when = np.maximum(when, birth + np.timedelta64(365, "D"))
    return np.where(has & (when < end), when, np.datetime64("NaT"))


def assign_conditions(rng, people: pd.DataFrame, cal: dict, start, end) -> pd.DataFrame:
    """Columns added: smoking_status, bmi, <register>_date, frailty, care_home_from, care_home_type."""
    c = cal["conditions"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = np.clip((start - birth).astype(int) / DAYS_PER_YEAR, 0, None)
    quintile = people["imd_quintile"].to_numpy()
    n = len(people)
    out = people.copy()

    smoker = rng.random(n) < _prevalence(c["current_smoker"], age, quintile)
    ex = ~smoker & (age >= 18) & (rng.random(n) < c["ex_smoker_share_of_non_smokers"])
    out["smoking_status"] = np.where(age < 18, None, np.where(smoker, "current",
                                                              np.where(ex, "ex", "never")))
    obese = rng.random(n) < _prevalence(c["obese"], age, quintile)
    bmi = np.where(obese, 30 + rng.gamma(2.0, 2.5, n), rng.normal(25, 2.6, n).clip(16, 29.9))
    out["bmi"] = np.where(age >= 18, np.round(bmi, 1), np.nan)

    for register in REGISTERS:
        if register == "hypertension":
            # Its own (spawned) stream; the main stream advances exactly as the drawn-once model
            # did, so every later draw - other registers, deaths, activity - is unchanged by it.
            rng.random(n)
            _diagnosis_dates(rng, np.zeros(n, bool), birth, start, end)
            out["hypertension_onset"], out[f"{register}_date"] = _hypertension_dates(
                rng.spawn(1)[0], out, c, end)
            continue
        has = rng.random(n) < _prevalence(c[register], age, quintile)
        out[f"{register}_date"] = _diagnosis_dates(rng, has, birth, start, end)

    # Frailty category for people 65+: 0 fit, 1 mild, 2 moderate, 3 severe.
    frailty = np.zeros(n, dtype=int)
    lowers = np.array(sorted(int(k) for k in c["frailty_categories"]))
    for i, low in enumerate(lowers):
        high = lowers[i + 1] if i + 1 < len(lowers) else 200
        band = (age >= low) & (age < high)
        frailty[band] = rng.choice(4, int(band.sum()), p=c["frailty_categories"][str(low)])
    out["frailty"] = frailty

    home = c["care_home"]
    dementia = ~np.isnat(out["dementia_date"].to_numpy())
    p_home = np.where(age >= 65, by_age(home["by_age"], np.maximum(age, 65)), 0.0)
    p_home = np.clip(p_home * np.where(dementia, home["dementia_multiplier"], 1.0), 0, 0.9)
    # Residents at the start, plus moves into a care home during the period at a similar hazard.
    resident = rng.random(n) < p_home
    mover = ~resident & (rng.random(n) < p_home * home["mover_rate"])
    moved = start + rng.integers(0, (end - start).astype(int), n).astype("timedelta64[D]")
    out["care_home_from"] = np.where(resident, start - np.timedelta64(400, "D"),
                                     np.where(mover, moved, np.datetime64("NaT")))
    out["care_home_type"] = np.where(resident | mover, np.where(
        rng.random(n) < home["nursing_share"], "nursing", "residential"), None)
    return out

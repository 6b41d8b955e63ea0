"""Risk factors, long-term conditions and frailty over each synthetic person's life.

Conditions age with the person: each register has a prevalence curve by age and deprivation
quintile (calibration.yml ``conditions``), and one draw per person decides the age at which the
rising curve makes them a case (and, where the curve falls again, the age they remit). So
prevalence at every age is the curve's, people are diagnosed as they reach it, and history before
the period arrives as a back-load. Hypertension follows its own expected-prevalence model, with
only a share by quintile diagnosed (column ``hypertension_onset`` is the true onset). Frailty is a
latent score that rises with age. Smoking starts here and changes in dynamics.py; care-home
residents at the start are drawn here, and later moves in are dynamics.py's.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age, load_calibration
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
    bands, levels = _hypertension_model()
    return _hypertension_probability(bands, _hypertension_person_factors(people, levels), age)


@functools.cache
def _hypertension_model() -> tuple[tuple, dict]:
    """The model's prevalence by sex and age band, and its odds ratios by factor and level."""
    baseline = pd.read_csv(WORLD_DIR / "hypertension_prevalence.csv")
    ratios = pd.read_csv(WORLD_DIR / "hypertension_odds_ratios.csv", dtype={"level": str})
    ratio = {(f, lv): r for f, lv, r in zip(ratios["factor"], ratios["level"], ratios["odds_ratio"],
                                             strict=True)}
    levels = {f: {lv: r for (f2, lv), r in ratio.items() if f2 == f}
              for f in ("imd_quintile", "ethnicity_group")}
    return tuple(baseline.itertuples()), levels


def _hypertension_person_factors(people: pd.DataFrame, levels: dict):
    """What the model needs of each person that does not change with age: (sex, quintile's odds
    ratio, ethnic group's odds ratio)."""
    sex = np.where(people["sex"].to_numpy() == "2", "Female", "Male")
    quintile = people["imd_quintile"].astype(str).map(levels["imd_quintile"]).fillna(1.0)
    group = people["ethnic_category"].map(ETHNICITY_GROUPS).fillna("Not stated")
    ethnicity = group.map(levels["ethnicity_group"]).fillna(1.0)
    return sex, quintile.to_numpy(), ethnicity.to_numpy()


def _hypertension_probability(bands: tuple, factors, age: np.ndarray) -> np.ndarray:
    sex, quintile, ethnicity = factors
    years = np.floor(age)
    p = np.zeros(len(sex))
    for row in bands:
        band = (sex == row.sex) & (years >= row.age_lower) & (years <= row.age_upper)
        p[band] = row.expected_prevalence
    odds = p / (1 - p) * quintile * ethnicity
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
    bands, levels = _hypertension_model()
    factors = _hypertension_person_factors(people, levels)
    onset_age = np.full(n, -1)
    for a in sorted({row.age_lower for row in bands}):  # the probability changes only where a band starts
        reached = (onset_age < 0) & (_hypertension_probability(bands, factors, np.full(n, float(a))) > u)
        onset_age[reached] = a
    birth_month = people["birth_date"].to_numpy().astype("datetime64[M]")
    onset = (birth_month + np.maximum(onset_age, 0) * 12).astype("datetime64[D]")
    onset = np.where((onset_age >= 0) & (onset < end), onset, np.datetime64("NaT"))
    share = np.array(c["hypertension_diagnosed_share"])[people["imd_quintile"].to_numpy() - 1]
    diagnosed = np.where(diagnosable < share, onset + lag, np.datetime64("NaT"))
    return onset, np.where(diagnosed < end, diagnosed, np.datetime64("NaT"))


def _prevalence_curve(spec: dict, quintile: int, sex: str, ages: np.ndarray) -> np.ndarray:
    """The register's prevalence at each age for one deprivation quintile and sex, from a table of
    prevalence by age band: linear between the bands' middles (0 before the first band), flat
    beyond the last, times the quintile's and the sex's ratios."""
    lowers = sorted(int(k) for k in spec["by_age"])
    values = [spec["by_age"][str(k)] if str(k) in spec["by_age"] else spec["by_age"][k]
              for k in lowers]
    # Each band's value is met at its middle (the last band's: 5 years in), so each band keeps
    # its prevalence on average while the curve rises smoothly between them.
    middles = [(low + high) / 2 for low, high in zip(lowers, [*lowers[1:], lowers[-1] + 10],
                                                       strict=True)]
    curve = np.interp(ages, middles, values)
    curve[ages < lowers[0]] = 0.0
    ratio = spec["imd_multiplier"][quintile - 1] * spec.get("sex_ratio", {}).get(sex, 1.0)
    return np.clip(curve * ratio, 0, 0.95)


AGE_GRID = np.arange(0, 106, 0.25)  # years: onset and remission ages are found on this grid


def _threshold_ages(curve: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First grid age at which prevalence exceeds u (onset), and the first age after the curve's
    peak at which it falls back to u or below (remission); NaN where it never happens.

    One draw per person, compared with the prevalence at every age: as people age, those whose
    draw the rising curve passes become cases, so prevalence at each age is the curve's (before
    mortality selection) and new cases arise as the population ages. Where the curve falls again
    (childhood asthma), the cases it leaves behind remit."""
    rising = np.maximum.accumulate(curve)
    onset_at = np.searchsorted(rising, u, side="right")  # first index with rising > u
    onset = np.where(onset_at < AGE_GRID.size, AGE_GRID[np.minimum(onset_at, AGE_GRID.size - 1)],
                     np.nan)
    peak = int(np.argmax(curve))
    falling = -curve[peak:]  # non-decreasing where the curve only falls after its peak
    falling = np.maximum.accumulate(falling)
    after = np.searchsorted(falling, -u, side="left")  # first index with curve <= u
    remission = np.where(after < falling.size,
                         AGE_GRID[peak + np.minimum(after, falling.size - 1)], np.nan)
    remission = np.where(np.isnan(onset) | (remission <= onset), np.nan, remission)
    return onset, remission


def _ever_curve(living: np.ndarray, excess_hazard: np.ndarray) -> np.ndarray:
    """The share of a cohort that has ever had a condition by each age of AGE_GRID, such that
    among the living its prevalence stays at ``living`` although people with it die sooner
    (``excess_hazard``: their extra deaths a year, by age): new cases among those without it
    arise at (P' + P(1 - P) * excess hazard) / (1 - P) a year."""
    step = AGE_GRID[1] - AGE_GRID[0]
    slope = np.diff(living, append=living[-1]) / step
    incidence = np.maximum(slope + living * (1 - living) * excess_hazard, 0) / \
        np.maximum(1 - living, 1e-9)
    never = np.exp(-np.concatenate([[0.0], np.cumsum(incidence[:-1] * step)]))
    return 1 - (1 - living[0]) * never


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(np.asarray(x, float) / math.sqrt(2)))


def _excess_death_hazard(cal: dict, sex: str, ratio: float,
                         care_home_multiplier: float = 1.0) -> np.ndarray:
    """Extra deaths a year, by age (AGE_GRID), of people with a condition, over people without:
    dynamics.py gives each person the product of their state's ratios (frailty, care home,
    dementia, COPD) divided by its mean among the living of their age. People with the condition
    have its own ``ratio`` and live in care homes ``care_home_multiplier`` times as often
    (conditions.care_home: dementia's 3), so they die at rate x ratio x their other ratios / the
    mean, and the excess is that less the population's rate."""
    m, c = cal["mortality"], cal["conditions"]
    table = m["annual_rate_female" if sex == "2" else "annual_rate_male"]
    rate = -np.log1p(-np.clip(by_age(table, AGE_GRID), 0, 0.9))
    frail = c["frailty"]
    centre = np.log(frail["score_at_70"]) + frail["log_score_per_year"] * (AGE_GRID - 70)
    below = [_normal_cdf((np.log(t) - centre) / frail["spread"]) for t in frail["thresholds"]]
    shares = np.diff(np.stack([np.zeros_like(centre), *below, np.ones_like(centre)]), axis=0)
    frailty_mean = np.where(AGE_GRID >= 65, (np.array(m["frailty_ratio"])[:, None] * shares).sum(0),
                            1.0)
    home = np.where(AGE_GRID >= 65, by_age(c["care_home"]["by_age"], np.maximum(AGE_GRID, 65)), 0)
    mean = (frailty_mean * (1 + home * (m["care_home_ratio"] - 1))
            * (1 + _prevalence_curve(c["dementia"], 3, sex, AGE_GRID) * (m["dementia_ratio"] - 1))
            * (1 + _prevalence_curve(c["copd"], 3, sex, AGE_GRID) * (m["copd_ratio"] - 1)))
    population = frailty_mean * (1 + home * (m["care_home_ratio"] - 1))
    cases = ratio * frailty_mean * (1 + np.minimum(home * care_home_multiplier, 0.9)
                                    * (m["care_home_ratio"] - 1))
    return np.maximum(cases - population, 0) * rate / mean


def _register_dates(rng, people: pd.DataFrame, spec: dict, start, end,
                    death_ratio: float = 1.0, cal: dict | None = None,
                    care_home_multiplier: float = 1.0
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Date of diagnosis and of remission (NaT if none by ``end``) for one register.

    Where the condition's people die sooner (COPD by its own ratio, dementia through the care
    homes it takes them to), cases arise along the cohort's ever-had curve, which outruns the
    prevalence curve by the cases that die, so the living keep the prevalence curve year after
    year; people already here are cases at the prevalence of their age (their onset in the past),
    the rest become cases at the ever-had curve's pace."""
    n = len(people)
    u = rng.random(n)
    lag = rng.integers(0, spec.get("diagnosis_lag_days", 90) + 1, n)
    quintile, sex = people["imd_quintile"].to_numpy(), people["sex"].to_numpy()
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    if spec.get("cohort_decline_per_year"):
        # A cohort with k times the prevalence at every age: a case when u < k P(a), u / k < P(a).
        born = birth.astype("datetime64[Y]").astype(int) + 1970
        u = u / (1 - spec["cohort_decline_per_year"]) ** (born - 1940)
    since = np.maximum(people["arrived"].to_numpy().astype("datetime64[D]"), start)
    age_here = np.clip((since - birth).astype(int) / DAYS_PER_YEAR, 0, AGE_GRID[-1])
    onset, remission = np.full(n, np.nan), np.full(n, np.nan)
    for q in range(1, 6):
        for s in ("1", "2"):
            members = (quintile == q) & (sex == s)
            living = _prevalence_curve(spec, q, s, AGE_GRID)
            if death_ratio == 1.0 and care_home_multiplier == 1.0:
                onset[members], remission[members] = _threshold_ages(living, u[members])
                continue
            ever = _ever_curve(living, _excess_death_hazard(cal, s, death_ratio,
                                                            care_home_multiplier))
            p_here = np.interp(age_here[members], AGE_GRID, living)
            e_here = np.interp(age_here[members], AGE_GRID, ever)
            draw = u[members]
            case = draw < p_here
            v = np.where(case, draw * e_here / np.maximum(p_here, 1e-12),
                         e_here + (draw - p_here) * (1 - e_here) / np.maximum(1 - p_here, 1e-12))
            onset[members] = _threshold_ages(ever, v)[0]

    def when(age_years):
        days = np.where(np.isnan(age_years), 0, age_years * DAYS_PER_YEAR).astype(int)
        day = birth + np.maximum(days, 365).astype("timedelta64[D]")  # never in the first year
        return np.where(np.isnan(age_years), np.datetime64("NaT"), day)

    diagnosed = when(onset) + lag.astype("timedelta64[D]")
    remitted = when(remission)
    diagnosed = np.where(diagnosed < end, diagnosed, np.datetime64("NaT"))
    remitted = np.where(~np.isnat(diagnosed) & (remitted < end) & (remitted > diagnosed),
                        remitted, np.datetime64("NaT"))
    return diagnosed.astype("datetime64[D]"), remitted.astype("datetime64[D]")


def frailty_level(birth: np.ndarray, frailty_z: np.ndarray, on, spec: dict) -> np.ndarray:
    """Electronic frailty index category on a date (0 fit, 1 mild, 2 moderate, 3 severe; 0
    under 65): a latent score that rises with age, the person's place in their age's spread fixed
    (``frailty_z``), so people grow frailer as they age while each age keeps the category shares
    of calibration.yml ``conditions.frailty`` (log-normal, fitted to the eFI shares by age)."""
    age = (np.asarray(on, "datetime64[D]") - birth.astype("datetime64[D]")).astype(int) / DAYS_PER_YEAR
    log_score = (np.log(spec["score_at_70"]) + spec["log_score_per_year"] * (age - 70)
                 + spec["spread"] * frailty_z)
    level = np.searchsorted(np.log(spec["thresholds"]), log_score, side="right")
    return np.where(age >= 65, level, 0)


def frailty_on(people: pd.DataFrame, rows: np.ndarray, on) -> np.ndarray:
    """The frailty category of the people in ``rows`` on ``on`` (a day, or one per row)."""
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")[rows]
    return frailty_level(birth, people["frailty_z"].to_numpy()[rows], on,
                         load_calibration()["conditions"]["frailty"])


def smoking_at(rng, people: pd.DataFrame, c: dict, start) -> np.ndarray:
    """Smoking status when each person's smoking history starts in the period: at the start (or
    on arrival) for adults, at 18 for children; the transitions after it are dynamics.py's."""
    n = len(people)
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    since = np.maximum(people["arrived"].to_numpy().astype("datetime64[D]"), start)
    age = np.maximum((since - birth).astype(int) / DAYS_PER_YEAR, 18)
    quintile = people["imd_quintile"].to_numpy()
    smoker = rng.random(n) < _prevalence(c["current_smoker"], age, quintile)
    ex = ~smoker & (rng.random(n) < c["ex_smoker_share_of_non_smokers"] * (age > 18.5))
    return np.where(smoker, "current", np.where(ex, "ex", "never")).astype(object)


def assign_conditions(rng, people: pd.DataFrame, cal: dict, start, end) -> pd.DataFrame:
    """Columns added: smoking_status (when the history starts), bmi (adult, at the start),
    <register>_date and <register>_remitted, frailty_z, frailty (at the start), care_home_from and
    care_home_type (residents at the start; dynamics.py adds those who move in later)."""
    c = cal["conditions"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = np.clip((start - birth).astype(int) / DAYS_PER_YEAR, 0, None)
    quintile = people["imd_quintile"].to_numpy()
    n = len(people)
    out = people.copy()

    out["smoking_status"] = smoking_at(rng, out, c, start)
    # Adult BMI at the start (children: the BMI they reach at 18); gp_events adds the drift.
    obese = rng.random(n) < _prevalence(c["obese"], np.maximum(age, 18), quintile)
    bmi = np.where(obese, 30 + rng.gamma(2.0, 2.5, n), rng.normal(25, 2.6, n).clip(16, 29.9))
    out["bmi"] = np.round(bmi, 1)

    # Conditions whose people die sooner (dynamics.py's mortality ratios).
    death_ratios = {"dementia": cal["mortality"]["dementia_ratio"],
                    "copd": cal["mortality"]["copd_ratio"]}
    for register in REGISTERS:
        if register == "hypertension":
            out["hypertension_onset"], out["hypertension_date"] = _hypertension_dates(
                rng.spawn(1)[0], out, c, end)
            out["hypertension_remitted"] = np.datetime64("NaT")
            continue
        out[f"{register}_date"], out[f"{register}_remitted"] = _register_dates(
            rng, out, c[register], start, end, death_ratios.get(register, 1.0), cal,
            c["care_home"]["dementia_multiplier"] if register == "dementia" else 1.0)

    out["frailty_z"] = rng.standard_normal(n)
    # A lasting inclination to take up vaccination (gp_events' flu campaign uses it).
    out["vaccine_propensity"] = rng.standard_normal(n)
    out["frailty"] = frailty_level(birth, out["frailty_z"].to_numpy(), start, c["frailty"])

    home = c["care_home"]
    dementia = out["dementia_date"].to_numpy() <= start
    p_home = np.where(age >= 65, by_age(home["by_age"], np.maximum(age, 65)), 0.0)
    p_home = np.clip(p_home * np.where(dementia, home["dementia_multiplier"], 1.0), 0, 0.9)
    resident = (rng.random(n) < p_home) & (out["arrived"].to_numpy() <= start)
    since = start - (rng.random(n) * home["mean_stay_years"] * DAYS_PER_YEAR).astype(
        "timedelta64[D]")
    out["care_home_from"] = np.where(resident, since, np.datetime64("NaT")).astype("datetime64[D]")
    out["care_home_type"] = np.where(resident, np.where(
        rng.random(n) < home["nursing_share"], "nursing", "residential"), None)
    return out

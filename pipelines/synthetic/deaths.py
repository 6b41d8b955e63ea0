"""Of what and where people die, and what their last months were like; civil registration.

Who dies when is dynamics.py's; this module gives each death its cause, trajectory and end-of-life
care, and writes the civil-registration extract."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age, financial_year_label, shares
from pipelines.synthetic.dynamics import NAT, systematic_draw
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.residence import lsoa_on, practice_on

# NHS DD Death Location Type (preferred) → place-of-death group (indicator EOL-03).
PREFERENCE_TO_PLACE = {"10": "hospital", "21": "home", "22": "home", "30": "hospice",
                       "40": "care_home", "50": "other"}


def month_starts(start: np.datetime64, end: np.datetime64) -> np.ndarray:
    return np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]"))


def in_care_home(people: pd.DataFrame, on: np.ndarray) -> np.ndarray:
    since = people["care_home_from"].to_numpy().astype("datetime64[D]")
    return ~np.isnat(since) & (since <= on)


def _pick(rng, table: dict, n: int) -> np.ndarray:
    keys, p = shares(table)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p)]


def _by_band(tables: dict, age: np.ndarray) -> np.ndarray:
    """Index of the age band (a table keyed by lower age) each age falls in."""
    lowers = np.array(sorted(int(k) for k in tables))
    return np.searchsorted(lowers, age, side="right") - 1, [str(k) for k in lowers]


def underlying_causes(rng, age, sex, quintile, dementia, copd, covid, spec: dict):
    """(cause group, ICD-10 code) of each death. COVID-19 deaths are U07.1. People with dementia
    or COPD die of it at a stated share; other deaths take a group from the age band's shares
    (tilted by the group's deprivation ratio), then a code from the group's codes for the age."""
    n = age.size
    group = np.empty(n, dtype=object)
    u = rng.random(n)
    group[covid] = "covid19"
    dies_of_dementia = ~covid & dementia & (u < by_age(spec["dementia_share_with_dementia"], age))
    group[dies_of_dementia] = "dementia"
    group[~covid & ~dies_of_dementia & copd & (u < spec["copd_share_with_copd"])] = "copd"
    band, keys = _by_band(spec["group_shares_by_age"], age)
    todo = np.flatnonzero(pd.isna(group))
    names = list(spec["group_shares_by_age"][keys[0]])
    weights = np.array([[spec["group_shares_by_age"][k][g] for g in names] for k in keys])[band[todo]]
    weights *= np.array([np.array(spec["imd_ratio"][g])[quintile[todo] - 1] for g in names]).T
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    choice = (rng.random(todo.size)[:, None] > cumulative).sum(axis=1)
    group[todo] = np.array(names, dtype=object)[np.minimum(choice, len(names) - 1)]

    cause = np.empty(n, dtype=object)
    for name, codes in spec["codes"].items():
        members = np.flatnonzero(group == name)
        if not members.size:
            continue
        if isinstance(codes, list):
            cause[members] = np.array(codes, dtype=object)[rng.integers(0, len(codes), members.size)]
            continue
        code_band, code_keys = _by_band(codes, age[members])
        for i, key in enumerate(code_keys):
            these = members[code_band == i]
            cause[these] = _pick(rng, codes[key], these.size)
    return group, cause


def decedent_profiles(rng, people: pd.DataFrame, lives, cal: dict, start) -> pd.DataFrame:
    """One row per person who died (in the period or the look-ahead after it): the underlying
    cause, the end-of-life trajectory it implies, and what that trajectory, the person's place
    and its programmes did in the last months: palliative register, advance care plan,
    emergency-department attendances in the last 90 days, and where the person died.

    Programmes act through mechanisms (calibration.yml ``end_of_life``): a place's register
    coverage and advance care planning change the chance of being on the register and having a
    plan, and each lowers the hazard of ED attendance and of dying in hospital by a stated ratio.
    The indicators then show whatever follows."""
    eol = cal["end_of_life"]
    death = lives.death
    idx = np.flatnonzero(~np.isnat(death))
    n = idx.size
    died = death[idx]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")[idx]
    age = (died - birth).astype(int) / DAYS_PER_YEAR
    on = lambda column: people[column].to_numpy().astype("datetime64[D]")[idx] <= died  # noqa: E731
    group, cause = underlying_causes(
        rng, age, people["sex"].to_numpy()[idx], people["imd_quintile"].to_numpy()[idx],
        on("dementia_date"), on("copd_date") & (age >= 35), lives.covid[idx], cal["causes_of_death"])
    trajectory = np.empty(n, dtype=object)
    for name, table in eol["trajectory_by_cause"].items():
        members = np.flatnonzero(group == name)
        trajectory[members] = _pick(rng, table, members.size)
    spec = pd.DataFrame(eol["trajectories"]).T.loc[trajectory]

    # The programme of the place the person lived in, in the year of death: register coverage
    # and advance care planning. Draws go through the decedents in order of place and year, so
    # each place's yearly figures carry the mechanism's effect, not sampling noise.
    place = lsoa_on(people, lives.moves, idx, died, column="place_code")
    year = financial_year_label(died.astype("datetime64[Y]").astype(int) + 1970,
                                died.astype("datetime64[M]").astype(int) % 12 + 1)
    programme = eol["programmes"]

    def level(measure):
        return np.array([programme[p][measure].get(y, programme[p][measure]["later"])
                         for p, y in zip(place, year, strict=True)])

    order = np.lexsort((rng.random(n), year, place))

    def draw(p):
        chosen = np.zeros(n, bool)
        chosen[order] = systematic_draw(rng, np.clip(p, 0, 1)[order])
        return chosen

    resident = ~np.isnat(lives.care_home_from[idx]) & (lives.care_home_from[idx] <= died)
    on_register = draw(spec["register"].to_numpy(float) * level("register_coverage"))
    lead = (rng.exponential(spec["lead_months"].to_numpy(float)) * 30.4 + 3).astype(int)
    register_from = np.where(on_register, died - lead.astype("timedelta64[D]"), NAT)
    has_plan = on_register & draw(np.where(on_register, level("advance_care_planning"), 0.0))
    plan_date = np.where(has_plan, register_from + rng.integers(0, 21, n).astype("timedelta64[D]"),
                         NAT).astype("datetime64[D]")
    plan_date = np.minimum(plan_date, died)

    # Emergency-department attendances in the last 90 days: the trajectory's rate, lowered by
    # being on the register and by having a plan, and by the pandemic's first year of avoidance.
    ed_rate = (spec["ed_per_month"].to_numpy(float) * 3
               * np.where(on_register, eol["register_ed_ratio"], 1.0)
               * np.where(has_plan, eol["plan_ed_ratio"], 1.0)
               * np.where(resident, eol["care_home_ed_ratio"], 1.0)
               * pd.Series(year).map(eol["year_ed_ratio"]).fillna(1.0).to_numpy())
    # Whether any (1 - e^-rate), then how many: 1 + the Poisson number beyond the first.
    attends = draw(1 - np.exp(-ed_rate))
    extra = rng.poisson(ed_rate)
    ed_last_90 = np.where(attends, 1 + np.maximum(extra - 1, 0), 0)

    # Where the person died: a final admission (less likely with a plan or in a care home), else
    # the care home for residents, else the preference a plan recorded, else home or hospice.
    p_hospital = (spec["final_admission"].to_numpy(float)
                  * np.where(has_plan, eol["plan_hospital_ratio"], 1.0)
                  * np.where(resident, eol["care_home_hospital_ratio"], 1.0))
    in_hospital = draw(p_hospital)
    preferred = np.where(has_plan & (rng.random(n) < eol["preference_recorded_with_plan"]),
                         np.where(resident, "40", _pick(rng, eol["preferred_place_shares"], n)),
                         None)
    at_home_place = np.where(rng.random(n) < spec["hospice_if_not_hospital"].to_numpy(float),
                             "hospice", np.where(rng.random(n) < spec["elsewhere_if_not_hospital"]
                                                 .to_numpy(float), "other", "home"))
    place_of_death = np.where(in_hospital, "hospital", np.where(
        resident, np.where(rng.random(n) < eol["care_home_death_in_home"], "care_home", "hospital"),
        at_home_place)).astype(object)
    follows_preference = ~in_hospital & ~resident & pd.notna(preferred)
    place_of_death[follows_preference] = [PREFERENCE_TO_PLACE[p] for p in
                                          preferred[follows_preference]]
    return pd.DataFrame({
        "row": idx, "date_of_death": died, "cause_group": group, "cause_icd10": cause,
        "trajectory": trajectory, "palliative_from": register_from, "advance_care_plan": plan_date,
        "ed_last_90": ed_last_90, "preferred_place": preferred, "place_of_death": place_of_death,
        "care_home_resident": resident,
    })


def _registration_backlog(rng, profiles: pd.DataFrame, start) -> pd.DataFrame:
    """Deaths before the period that are registered in it (coroners' cases most): the deaths of
    its first year, a year earlier, of people who never reach the period's lists (a pseudonym of
    their own). Without them the first year's registrations would fall short by the delay."""
    died = profiles["date_of_death"].to_numpy().astype("datetime64[D]")
    # not the first year's COVID-19 deaths: a year earlier there was none
    first_year = (died >= start) & (died < start + 365) & (profiles["cause_group"] != "covid19")
    backlog = profiles[first_year].copy()
    backlog["date_of_death"] = died[first_year] - np.timedelta64(365, "D")
    backlog["person_id"] = [f"{x:016x}" for x in rng.integers(0, 2**63, len(backlog))]
    return backlog


def deaths_extract(rng, people: pd.DataFrame, lives, profiles: pd.DataFrame, cal: dict,
                   start, end) -> pd.DataFrame:
    """Civil-registration rows (data_contracts/civil_registration_deaths.yml) for deaths
    registered in the period: those of the period, and the backlog of deaths before it."""
    profiles = profiles.assign(person_id=people["person_id"].to_numpy()[profiles["row"]])
    profiles = pd.concat([profiles, _registration_backlog(rng, profiles, start)],
                         ignore_index=True)
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
    person = profiles["person_id"].to_numpy().copy()
    person[rng.random(n) < mort["share_person_id_unmatched"]] = None
    lsoa = lsoa_on(people, lives.moves, idx, np.maximum(died, start)).astype(object)
    lsoa[rng.random(n) < mort["share_lsoa_missing"]] = None
    frame = pd.DataFrame({
        "person_id": person,
        "REG_DATE_OF_DEATH": died,
        "REG_DATE": registered,
        "DEC_SEX": people["sex"].to_numpy()[idx],
        "DEC_AGEC": age,
        "LSOA_OF_RESIDENCE_CODE": lsoa,
        "GP_PRACTICE_CODE": practice_on(people, lives.moves, idx, np.maximum(died, start)),
        "S_UNDERLYING_COD_ICD10": profiles["cause_icd10"].to_numpy(),
        "POD_CODE": [pod[p]["pod_code"] for p in place],
        "POD_ESTABLISHMENT_TYPE": [pod[p]["establishment_type"] for p in place],
        "source_system": "ONS_CIVIL_REGISTRATION",
    })
    frame = frame[(frame["REG_DATE"] >= start) & (frame["REG_DATE"] < end)]
    return frame.sort_values(["REG_DATE", "REG_DATE_OF_DEATH", "DEC_AGEC"], kind="stable")

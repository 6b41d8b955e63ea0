"""Admitted patient care (data_contracts/apc_episodes.yml): emergency and elective spells as
consultant episodes.

Emergency admissions follow an age- and deprivation-graded rate; decedents have extra emergency
admissions in their last 90 days, and those who die in hospital die at the end of an admission.
Every episode carries secondary diagnoses (comorbidities, external causes, alcohol codes) in the 19
secondary positions, drawn from a stream of their own so that the other columns are as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.activity import monthly_events
from pipelines.synthetic.calibration import shares
from pipelines.synthetic.deaths import in_care_home
from pipelines.synthetic.population import DAYS_PER_YEAR

EMERGENCY_METHODS, EMERGENCY_P = ["21", "22", "23", "24", "25", "2A", "2B", "2D", "28"], \
    [0.70, 0.15, 0.02, 0.03, 0.01, 0.03, 0.02, 0.02, 0.02]
CARE_HOME_SOURCES = ["54", "65", "85"]
PROVIDER_BY_PLACE = {"nottingham_city": "RX1", "south_notts": "RX1", "mid_notts": "RK5",
                     "bassetlaw": "RP5"}


SECONDARY_POSITIONS = 19  # Secondary_Diagnosis_01 .. _19 (data_contracts/apc_episodes.yml)


def _secondary_diagnoses(rng, primary: np.ndarray, group: np.ndarray, age: np.ndarray,
                         spec: dict) -> tuple[np.ndarray, np.ndarray]:
    """Secondary diagnosis positions as SUS codes them, and the primaries that go with them:
    comorbidities first (more with age), then the codes the indicators look for in any position:
    the external cause after an injury (a fall W00-W19 for most), an alcohol code (F10) on a share
    of adults' episodes, X45/X65 after alcohol poisoning (T51.0), and acute bronchitis (J20) as the
    primary of some COPD admissions (with the COPD code second) and of a few others (without).
    Returns the primary codes (some recoded) and an (episodes x 19) array, None where empty."""
    n = primary.size
    primary = primary.copy()
    secondary = np.full((n, SECONDARY_POSITIONS), None, dtype=object)
    pool, p = shares(spec["comorbidities"])
    counts = np.minimum(rng.poisson(spec["comorbidity_base"] + np.maximum(age - 40, 0)
                                    / spec["comorbidity_years_per_extra"]), len(pool))
    leading = [[] for _ in range(n)]   # codes before the comorbidities
    trailing = [[] for _ in range(n)]  # external causes after them
    copd = np.isin(primary, spec["copd_primaries"])
    to_j20 = copd & (rng.random(n) < spec["copd_as_acute_bronchitis"])
    j20_alone = (group == "other") & (rng.random(n) < spec["acute_bronchitis_without_copd"])
    poisoned = (group == "other") & (age >= 16) & (rng.random(n) < spec["alcohol_poisoning"])
    falls = group == "falls_injury"
    fall_cause = falls & (rng.random(n) < spec["falls_with_fall_cause"])
    drinker = (age >= 16) & (rng.random(n) < spec["alcohol_secondary"])
    for i in range(n):
        if to_j20[i]:
            leading[i].append(primary[i])
            primary[i] = "J209"
        elif j20_alone[i]:
            primary[i] = "J209"
        elif poisoned[i]:
            primary[i] = "T510"
            trailing[i].append(rng.choice(spec["alcohol_poisoning_causes"]))
        if falls[i]:
            trailing[i].append(rng.choice(spec["fall_causes"] if fall_cause[i]
                                          else spec["other_injury_causes"]))
        if drinker[i]:
            leading[i].append(rng.choice(spec["alcohol_codes"]))
        drawn = list(rng.choice(pool, counts[i], replace=False, p=p)) if counts[i] else []
        room = SECONDARY_POSITIONS - len(leading[i]) - len(trailing[i])
        codes = leading[i] + drawn[:room] + trailing[i]
        secondary[i, :len(codes)] = codes
    return primary, secondary


def _emergency_spells(rng, people, death, cal, start, end):
    a = cal["admitted_care"]
    return monthly_events(rng, people, death, start, end, rate_by_age=a["emergency_rate_by_age"],
                          imd_multiplier=a["imd_multiplier"], year_multiplier=a["year_multiplier"])


def apc_extract(rng, people: pd.DataFrame, death: np.ndarray, profiles: pd.DataFrame, cal: dict,
                start, end) -> pd.DataFrame:
    a = cal["admitted_care"]
    em_person, em_day = _emergency_spells(rng, people, death, cal, start, end)
    # End of life: extra emergency admissions in the last 90 days; hospital deaths end one.
    dec = profiles["row"].to_numpy()
    died = profiles["date_of_death"].to_numpy().astype("datetime64[D]")
    extra = np.where(rng.random(dec.size) < a["end_of_life_admission_probability"],
                     1 + rng.poisson(a["end_of_life_extra_admissions_mean"] - 1, dec.size), 0)
    eol_person = np.repeat(dec, extra)
    eol_day = np.repeat(died, extra) - np.floor(90 * rng.beta(1.2, 2, eol_person.size)).astype(int)
    in_hospital = profiles["place_of_death"].to_numpy() == "hospital"
    final_person = dec[in_hospital]
    final_day = died[in_hospital] - rng.integers(0, 12, final_person.size)
    n_em = em_person.size + eol_person.size + final_person.size
    person = np.concatenate([em_person, eol_person, final_person])
    admitted = np.concatenate([em_day, eol_day, final_day]).astype("datetime64[D]")
    dies_here = np.concatenate([np.zeros(n_em - final_person.size, bool),
                                np.ones(final_person.size, bool)])
    elective_person = np.flatnonzero(rng.random(len(people)) < a["elective_rate"] * 6)
    elective_day = start + rng.integers(0, (end - start).astype(int), elective_person.size)
    person = np.concatenate([person, elective_person])
    admitted = np.concatenate([admitted, elective_day.astype("datetime64[D]")])
    emergency = np.arange(person.size) < n_em
    dies_here = np.concatenate([dies_here, np.zeros(elective_person.size, bool)])
    n = person.size

    stay = np.where(emergency, np.where(rng.random(n) < 0.3, 0, rng.exponential(5, n).astype(int)),
                    np.where(rng.random(n) < 0.75, 0, rng.integers(1, 6, n)))
    discharged = admitted + stay.astype("timedelta64[D]")
    dod = death[person]
    discharged = np.where(dies_here, dod, np.where(~np.isnat(dod), np.minimum(discharged, dod),
                                                   discharged))
    admitted = np.minimum(admitted, discharged)
    keep = (admitted >= start) & (admitted < end)

    groups, p = shares(a["emergency_diagnoses"])
    group = np.array(groups, dtype=object)[rng.choice(len(groups), n, p=p)]
    diagnosis = np.empty(n, dtype=object)
    for name in groups:
        members = group == name
        diagnosis[members] = rng.choice(a["emergency_diagnoses"][name]["codes"], int(members.sum()))
    diagnosis = np.where(emergency, diagnosis, rng.choice(["Z099", "H251", "M179", "K429"], n))
    group = np.where(emergency, group, "elective")
    method = np.where(emergency, rng.choice(EMERGENCY_METHODS, n, p=EMERGENCY_P),
                      rng.choice(["11", "12", "13"], n, p=[0.6, 0.1, 0.3]))
    resident = in_care_home(people.iloc[person], admitted)
    source = np.where(resident & (rng.random(n) < 0.6), rng.choice(CARE_HOME_SOURCES, n), "19")
    destination = np.where(dies_here, "79", np.where(resident, "54", "19"))
    age = ((admitted - people["birth_date"].to_numpy()[person].astype("datetime64[D]")).astype(int)
           / DAYS_PER_YEAR).astype(int)
    open_spell = discharged >= end
    # rng.spawn: a stream of its own, so the draws above and after are the same as without it
    diagnosis, secondary = _secondary_diagnoses(rng.spawn(1)[0], diagnosis, group, age,
                                                a["secondary_diagnoses"])
    frame = pd.DataFrame({
        "person_id": people["person_id"].to_numpy()[person],
        "Admission_Date": admitted,
        "Discharge_Date": np.where(open_spell, np.datetime64("NaT"), discharged),
        "Episode_Start_Date": admitted,
        "Episode_End_Date": np.where(open_spell, np.datetime64("NaT"), discharged),
        "Episode_Number": 1,
        "Admission_Method": method,
        "Source_of_Admission": source,
        "Discharge_Destination": np.where(open_spell, "98", destination),
        "Discharge_Method": np.where(open_spell, "8", np.where(dies_here, "4", "1")),
        "Patient_Classification": np.where(~emergency & (stay == 0), "2", "1"),
        "Primary_Diagnosis_Code": diagnosis,
        **{f"Secondary_Diagnosis_{k + 1:02d}": secondary[:, k] for k in range(SECONDARY_POSITIONS)},
        "Der_Postcode_LSOA_Code": people["lsoa11"].to_numpy()[person],
        "Ethnic_Group": people["ethnic_category"].to_numpy()[person],
        "Sex": people["sex"].to_numpy()[person],
        "Age_On_Admission": age,
        "Der_Provider_Code": [PROVIDER_BY_PLACE[p] for p in people["place_code"].to_numpy()[person]],
        "source_system": "SUS_APC",
    })[keep]
    frame = frame.sort_values(["Episode_Start_Date", "person_id"], kind="stable")
    frame.insert(0, "APCE_Ident", np.arange(1, len(frame) + 1, dtype=np.int64) + 500_000_000)
    unmatched = rng.random(len(frame)) < a["share_person_id_unmatched"]
    frame.loc[unmatched, "person_id"] = None
    frame.loc[rng.random(len(frame)) < a["share_lsoa_missing"], "Der_Postcode_LSOA_Code"] = None
    return frame.reset_index(drop=True)

"""Emergency-care attendances: a background rate for everyone living in the area, plus the
attendances of people's last 90 days (deaths.decedent_profiles)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.activity import monthly_events
from pipelines.synthetic.calibration import shares
from pipelines.synthetic.conditions import frailty_level
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.recording import recorded_lsoa
from pipelines.synthetic.residence import day_numbers, lsoa_on
from pipelines.synthetic.text_columns import repeated_text, text_column

# SNOMED CT codes of the ECDS fields (data_contracts/ecds_attendances.yml).
ARRIVAL_AMBULANCE, ARRIVAL_OWN = 1048031000000100, 1048071000000103
ACUITY = [1064891000000107, 1064911000000105, 1064901000000108, 1077241000000103, 1077251000000100]
DISCHARGED_HOME, ADMITTED, TRANSFERRED, DIED = 306689006, 1066361000000104, 19712007, 305398007


def _state_ratio(people: pd.DataFrame, cal: dict):
    """Each person's ED ratio for their state on a day: care home, frailty, registers."""
    spec = cal["emergency_care"]["state_ratio"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    frailty_z = people["frailty_z"].to_numpy()

    home_from = day_numbers(people["care_home_from"].to_numpy())  # converted once
    diagnosed = [day_numbers(people[f"{r}_date"].to_numpy()) for r in spec["registers"]]

    def ratio(rows, day):
        on = day.astype("datetime64[D]").astype(np.int64)
        registers = np.zeros(rows.size, np.int64)
        for since in diagnosed:
            registers += since[rows] <= on
        frailty = frailty_level(birth[rows], frailty_z[rows], day, cal["conditions"]["frailty"])
        return (np.where(home_from[rows] <= on, spec["care_home"], 1.0)
                * np.array(spec["frailty"])[frailty] * (1 + spec["per_register"] * registers))
    return ratio


def _background(rng, people, death, cal, start, end) -> tuple[np.ndarray, np.ndarray]:
    """(person row, arrival day) of attendances at the background rate: by age, deprivation,
    season and year, shared out by the person's state."""
    ec = cal["emergency_care"]
    return monthly_events(rng, people, death, start, end, rate_by_age=ec["annual_rate_by_age"],
                          imd_multiplier=ec["imd_multiplier"],
                          year_multiplier=ec["year_multiplier"],
                          month_multiplier=ec["month_multiplier"],
                          person_ratio=_state_ratio(people, cal))


def _end_of_life(rng, profiles: pd.DataFrame, arrived: np.ndarray, start
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The attendances of each decedent's last 90 days (deaths.decedent_profiles' count, which
    their trajectory, register, plan and place's programme set): nearer death is likelier."""
    person = np.repeat(profiles["row"].to_numpy(), profiles["ed_last_90"].to_numpy())
    died = np.repeat(profiles["date_of_death"].to_numpy().astype("datetime64[D]"),
                     profiles["ed_last_90"].to_numpy())
    before = np.floor(90 * rng.beta(1, 1.8, person.size)).astype(int)
    day = died - before.astype("timedelta64[D]")
    keep = (day >= start) & (day >= arrived[person])  # not before birth or moving in
    return person[keep], day[keep]


def ecds_extract(rng, people, death, profiles, moves, cal, start, end) -> pd.DataFrame:
    """ECDS rows (data_contracts/ecds_attendances.yml), one per attendance, in arrival order."""
    ec = cal["emergency_care"]
    # The background rate stops 90 days before a death: the last 90 days are the end-of-life
    # model's (deaths.decedent_profiles), which would otherwise be counted twice.
    until = death.copy()
    rows = profiles["row"].to_numpy()
    until[rows] = np.fmin(until[rows], profiles["date_of_death"].to_numpy().astype("datetime64[D]")
                          - np.timedelta64(90, "D"))
    bg_person, bg_day = _background(rng, people, until, cal, start, end)
    eol_person, eol_day = _end_of_life(
        rng, profiles, people["arrived"].to_numpy().astype("datetime64[D]"), start)
    person = np.concatenate([bg_person, eol_person])
    day = np.concatenate([bg_day, eol_day])
    n = person.size
    # Arrival through the day: busiest late morning to evening.
    hour_weights = np.array([2, 1.5, 1, 1, 1, 1, 1.5, 2.5, 4, 6, 7, 7, 6.5, 6.5, 6, 6, 6, 6, 6,
                             5.5, 5, 4.5, 3.5, 2.5])
    seconds = (rng.choice(24, n, p=hour_weights / hour_weights.sum()) * 3600
               + rng.integers(0, 3600, n))
    arrival = day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    order = np.lexsort((person, arrival))
    person, arrival, day = person[order], arrival[order], day[order]
    stay = np.round(rng.lognormal(np.log(3.5 * 3600), 0.6, n)).astype("timedelta64[s]")

    dept_codes, p_dept = shares(ec["department_type_share"])
    cat_codes, p_cat = shares(ec["attendance_category_share"])
    place = lsoa_on(people, moves, person, day, column="place_code")  # where they live that day
    provider = np.empty(n, dtype=object)
    site = np.empty(n, dtype=object)
    for pl, spec in ec["provider_by_place"].items():
        mask = place == pl
        provider[mask] = spec["provider"]
        site[mask] = rng.choice(spec["sites"], size=int(mask.sum()))

    birth = people["birth_date"].to_numpy().astype("datetime64[D]")[person]
    age = ((day - birth).astype(int) / DAYS_PER_YEAR).astype(int)
    died_that_day = people["died_on"].to_numpy().astype("datetime64[D]")[person] == day
    destination = rng.choice([DISCHARGED_HOME, ADMITTED, TRANSFERRED], n, p=[0.70, 0.28, 0.02])
    destination = np.where(died_that_day & (rng.random(n) < 0.3), DIED, destination)
    ambulance = rng.random(n) < np.clip(0.15 + age / 150, 0, 0.8)

    person_id = people["person_id"].to_numpy()[person].copy()
    person_id[rng.random(n) < ec["share_person_id_unmatched"]] = None
    lsoa = recorded_lsoa(rng, people, moves, person, day, cal["recording"])
    lsoa[rng.random(n) < ec["share_lsoa_missing"]] = None
    return pd.DataFrame({
        "EC_Ident": np.arange(1, n + 1, dtype=np.int64) + 100_000_000,
        "person_id": text_column(person_id),
        "Der_Provider_Code": text_column(provider),
        "Der_Provider_Site_Code": text_column(site),
        "EC_Department_Type": text_column(rng.choice(dept_codes, n, p=p_dept)),
        "EC_AttendanceCategory": text_column(rng.choice(cat_codes, n, p=p_cat)),
        "Der_EC_Arrival_Date_Time": arrival,
        "Der_EC_Departure_Date_Time": arrival + stay,
        "EC_Arrival_Mode_SNOMED_CT": np.where(ambulance, ARRIVAL_AMBULANCE, ARRIVAL_OWN),
        "EC_Acuity_SNOMED_CT": rng.choice(ACUITY, n, p=[0.02, 0.15, 0.45, 0.33, 0.05]),
        "Discharge_Destination_SNOMED_CT": destination,
        "Der_Postcode_LSOA_Code": text_column(lsoa),
        "Sex": text_column(people["sex"].to_numpy()[person]),
        "Der_Age_At_CDS_Activity_Date": age,
        "source_system": repeated_text("SUS_ECDS", n),
    })

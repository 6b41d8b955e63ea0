"""Maternity births (data_contracts/msds_births.yml) and the National Child Measurement Programme
(data_contracts/ncmp_measurements.yml)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.recording import recorded_ethnicity
from pipelines.synthetic.residence import here_from, lsoa_on

# BMI centile bands used for population monitoring (UK90): category → (low, high) centile.
CENTILE_BANDS = {"underweight": (0.1, 2.0), "healthy": (2.0, 85.0), "overweight": (85.0, 95.0),
                 "obese": (95.0, 99.6), "severely obese": (99.6, 99.99)}
MEDIAN_BMI = {"R": 16.0, "6": 17.8}
MEDIAN_HEIGHT = {"R": 110.0, "6": 145.0}
# Draws per baby when choosing a mother by rejection: about a third of a place's women qualify on
# a given day, so all of 40 draws fail about once in a million babies (then: an exact choice).
MOTHER_TRIES = 40


def _mothers(rng, people: pd.DataFrame, exit_day: np.ndarray, moves: pd.DataFrame,
             babies: np.ndarray) -> np.ndarray:
    """The row of each baby's mother: a woman aged 18-44 living in the baby's place on the day of
    the birth (arrived, not died or gone, and there after any move), each such woman equally
    likely. Drawn by rejection (MOTHER_TRIES draws from the women who ever live in the place, the
    first who qualifies), as one array per place; a baby with none among them chooses from every
    qualifying woman, and where none qualifies (a shard of a few people), from the place's women
    aged 18-44 that day."""
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    since = here_from(people)
    gone = np.where(np.isnat(exit_day), np.datetime64("2262-01-01"), exit_day)
    female = people["sex"].to_numpy() == "2"
    place = people["place_code"].to_numpy()
    moved_row, moved_to = moves["row"].to_numpy(), moves["place_code"].to_numpy()

    def qualifies(candidates, day, p):
        age = (day - birth[candidates]).astype(int) / DAYS_PER_YEAR
        there = lsoa_on(people, moves, candidates.ravel(), np.broadcast_to(day, candidates.shape)
                        .ravel(), column="place_code").reshape(candidates.shape) == p
        return (age >= 18) & (age < 45), (since[candidates] <= day) & (day < gone[candidates]) & there

    mothers = np.empty(babies.size, dtype=np.int64)
    for p in np.unique(place[babies]):
        mine = np.flatnonzero(place[babies] == p)
        pool = np.union1d(np.flatnonzero(female & (place == p)),
                          moved_row[(moved_to == p) & female[moved_row]])
        day = birth[babies[mine]][:, None]
        tries = pool[rng.integers(0, pool.size, (mine.size, MOTHER_TRIES))]
        fertile, here = qualifies(tries, day, p)
        ok = fertile & here
        first = ok.argmax(axis=1)
        mothers[mine] = tries[np.arange(mine.size), first]
        for k in np.flatnonzero(~ok.any(axis=1)):
            fertile, here = qualifies(pool, day[k, 0], p)
            choice = pool[fertile & here] if (fertile & here).any() else pool[fertile]
            if not choice.size:
                raise ValueError(f"no woman of 18-44 in {p} for a birth on {day[k, 0]}: too few "
                                 "people in a shard for its births")
            mothers[mine[k]] = rng.choice(choice)
    return mothers


def births_extract(rng, people: pd.DataFrame, exit_day: np.ndarray, moves: pd.DataFrame, cal: dict,
                   start, end) -> pd.DataFrame:
    m = cal["maternity"]
    babies = np.flatnonzero(people["born_in_period"].to_numpy())
    n = babies.size
    mothers = people["person_id"].to_numpy()[_mothers(rng, people, exit_day, moves, babies)]
    quintile = people["imd_quintile"].to_numpy()[babies]
    preterm = rng.random(n) < m["preterm_share"]
    gestation = np.where(preterm, rng.integers(24, 37, n), rng.integers(37, 43, n))
    low = ~preterm & (rng.random(n) < m["term_low_birth_weight"]
                      * np.array(m["imd_multiplier_low_birth_weight"])[quintile - 1])
    weight = np.where(low, rng.integers(1800, 2500, n),
                      np.where(preterm, rng.integers(600, 3000, n),
                               rng.normal(3450, 380, n).clip(2500, 5200).round()))
    smoker = rng.random(n) < m["smoking_at_delivery"] * np.array([1.8, 1.3, 1, .7, .5])[quintile - 1]
    return pd.DataFrame({
        "baby_person_id": people["person_id"].to_numpy()[babies],
        "mother_person_id": mothers,
        "birth_date": people["birth_date"].to_numpy()[babies].astype("datetime64[D]"),
        "birth_weight_g": weight.astype(int),
        "gestation_weeks": gestation.astype(int),
        "live_or_stillbirth": np.where(rng.random(n) < 0.996, "Live", "Still"),
        "mother_lsoa11": people["lsoa11"].to_numpy()[babies],
        "mother_ethnic_category": people["ethnic_category"].to_numpy()[babies],
        "mother_smoking_at_booking": np.where(smoker | (rng.random(n) < 0.04), "Y", "N"),
        "mother_smoking_at_delivery": np.where(smoker, "Y", "N"),
        "source_system": "MSDS",
    }).sort_values(["birth_date", "baby_person_id"], kind="stable").reset_index(drop=True)


def ncmp_extract(rng, people: pd.DataFrame, death: np.ndarray, cal: dict, start, end):
    c = cal["child_measurement"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    arrived_on = people["arrived"].to_numpy().astype("datetime64[D]")
    quintiles = people["imd_quintile"].to_numpy()
    band_low = np.array([low for low, _ in CENTILE_BANDS.values()])
    band_high = np.array([high for _, high in CENTILE_BANDS.values()])
    first_year = int(str(start)[:4]) - (1 if int(str(start)[5:7]) < 9 else 0)
    # the measured children of every school year and round, gathered as arrays: one frame at the
    # end, not one per round
    parts = []
    for year in range(first_year, int(str(end)[:4]) + 1):
        cutoff = np.datetime64(f"{year}-08-31")  # age on 31 August decides the school year
        age = (cutoff - birth).astype(int) / DAYS_PER_YEAR
        for school_year, low, obese_share in (("R", 4, c["obese_reception"]),
                                              ("6", 10, c["obese_year6"])):
            rows = np.flatnonzero((age >= low) & (age < low + 1)
                                  & (rng.random(len(people)) < c["participation"]))
            when = np.datetime64(f"{year}-10-01") + rng.integers(0, 250, rows.size)
            arrived = arrived_on[rows]
            alive = (np.isnat(death[rows]) | (death[rows] > when)) & (arrived <= when)
            rows, when = rows[alive], when[alive]
            quintile = quintiles[rows]
            u = rng.random(rows.size)
            season = f"{year}/{(year + 1) % 100:02d}"  # the school year, September to July
            p_obese = (np.array(obese_share)[quintile - 1]
                       * c["school_year_ratio"][school_year].get(season, 1.0))
            # position in CENTILE_BANDS: severely obese, obese, overweight, underweight, healthy
            band = np.where(u < p_obese * 0.2, 4,
                            np.where(u < p_obese, 3,
                                     np.where(u < p_obese + c["overweight_extra"], 2,
                                              np.where(u > 0.99, 0, 1))))
            centile = rng.uniform(band_low[band], band_high[band]).round(1)
            z = (centile - 50) / 34
            bmi = (MEDIAN_BMI[school_year] * np.exp(0.12 * z)).round(1)
            height = rng.normal(MEDIAN_HEIGHT[school_year], 6, rows.size).round(1)
            parts.append({
                "rows": rows,
                "school_year": np.full(rows.size, school_year, dtype=object),
                "measurement_date": when.astype("datetime64[D]"),
                "height_cm": height,
                "weight_kg": (bmi * (height / 100) ** 2).round(1),
                "bmi": bmi,
                "bmi_centile": centile,
                "bmi_category": np.array(list(CENTILE_BANDS), dtype=object)[band],
                "school_urn": rng.integers(100000, 149999, rows.size),
                "ethnic_category": recorded_ethnicity(
                    rng, people["ethnic_category"].to_numpy()[rows], cal["recording"]),
            })
    column = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    rows = column.pop("rows")
    frame = pd.DataFrame({
        "person_id": people["person_id"].to_numpy()[rows],
        **{name: column[name] for name in ("school_year", "measurement_date", "height_cm",
                                           "weight_kg", "bmi", "bmi_centile", "bmi_category")},
        "child_lsoa11": people["lsoa11"].to_numpy()[rows],
        "school_urn": column["school_urn"],
        "ethnic_category": column["ethnic_category"],
        "sex": people["sex"].to_numpy()[rows],
        "source_system": "NCMP",
    })
    frame = frame[(frame["measurement_date"] >= start) & (frame["measurement_date"] < end)]
    return frame.sort_values(["measurement_date", "person_id"], kind="stable").reset_index(drop=True)

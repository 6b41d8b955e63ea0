"""The monthly microsimulation: what happens to each person, month by month, over the period.

Every month, for the people living in the area that month: death (all causes, and COVID-19 in
its waves), moving out of the area, moving home within it (and changing practice when the move
crosses a district), moving into a care home, and starting, stopping or relapsing into smoking.
Each is a hazard that depends on the person's state that month (age, sex, deprivation, frailty,
registers, care-home residence), from calibration.yml ``mortality``, ``covid19``, ``migration``,
``moves``, ``conditions.care_home`` and ``smoking``.

Mortality is calibrated, not accumulated: the state multipliers (frailty, care home, dementia,
COPD) are divided by their mean among the living of the same five-year age band each month, so
they decide *who* dies while the age-, sex- and deprivation-specific rates decide *how many*. The
rates fall by a stated mortality improvement each year, which is what keeps an ageing population's
crude death rate steady, as England's was before 2020.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age
from pipelines.synthetic.conditions import ETHNICITY_GROUPS, frailty_level
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.residence import here_from
from pipelines.synthetic.text_columns import plain_text

NAT = np.datetime64("NaT")
SMOKING = np.array(["never", "current", "ex"], dtype=object)


@dataclass
class Lives:
    """The simulated histories: one value per person, or one row per change."""
    death: np.ndarray           # day of death, NaT if alive at the end (or gone)
    covid: np.ndarray           # died of COVID-19 (underlying cause U07.1)
    left: np.ndarray            # day the person moved out of the area, NaT if not
    care_home_from: np.ndarray  # day the person moved into a care home (at the start or later)
    moves: pd.DataFrame         # row, date, lsoa11, place_code, practice_code (None: kept)
    smoking: pd.DataFrame       # row, date, status: each change of smoking status

    @property
    def exit(self) -> np.ndarray:
        """The day each person stops being seen by the area's services: death or leaving."""
        return np.fmin(self.death, self.left)


def systematic_draw(rng, p: np.ndarray) -> np.ndarray:
    """Who has an event of probability ``p``: each person with exactly their probability, and as
    many people as the probabilities add up to (to within one), by systematic sampling (``p``
    comes in a random order of the people, kept all period). Independent draws would add
    Poisson noise of about +/-3% a year to the deaths of a 120,000-person sample: more than the
    year-to-year changes the indicators must show."""
    passed = np.floor(np.cumsum(p) + rng.random())  # whole units passed, from a random offset
    return passed > np.concatenate([[0.0], passed[:-1]])


AGES = np.arange(121)  # single years: every age-banded rate becomes a look-up by whole years


def _per_year(table: dict) -> np.ndarray:
    return by_age(table, AGES)


def _mortality_tables(m: dict) -> dict:
    """Annual hazards of other causes by single year of age, before the person's state:
    England's by sex times the deprivation ratio for the age, by (sex, quintile)."""
    tables = {}
    for sex, key in (("1", "annual_rate_male"), ("2", "annual_rate_female")):
        hazard = -np.log1p(-np.clip(_per_year(m[key]), 0, 0.9))
        for q in range(1, 6):
            imd = np.where(AGES < 75, m["imd_multiplier_under75"][q - 1],
                           m["imd_multiplier_75plus"][q - 1])
            tables[sex, q] = hazard * imd
    return tables


def _state_ratio(m: dict, whole_age, frailty, resident, dementia, copd) -> np.ndarray:
    """The person's mortality ratio for their state, normalised to mean 1 within each five-year
    age band of the people alive this month."""
    ratio = (np.array(m["frailty_ratio"])[frailty] * np.where(resident, m["care_home_ratio"], 1.0)
             * np.where(dementia, m["dementia_ratio"], 1.0) * np.where(copd, m["copd_ratio"], 1.0))
    band = np.minimum(whole_age // 5, 20)
    mean = np.bincount(band, ratio, minlength=21) / np.maximum(np.bincount(band, minlength=21), 1)
    return ratio / mean[band]


def _covid_person_ratio(c: dict, people: pd.DataFrame) -> np.ndarray:
    """The part of the COVID-19 concentration that does not change: deprivation and ethnicity."""
    group = people["ethnic_category"].map(ETHNICITY_GROUPS)
    return (np.array(c["imd_ratio"])[people["imd_quintile"].to_numpy() - 1]
            * group.map(c["ethnicity_ratio"]).fillna(1.0).to_numpy(float))


class _Homes:
    """Where movers move to: mostly within the same district, students within the student areas,
    otherwise anywhere, each LSOA by its population (look-ups built once)."""

    def __init__(self, lsoas: pd.DataFrame, students: np.ndarray):
        pop = lsoas[["pop_0_15_mid2015", "pop_16_59_mid2015", "pop_60plus_mid2015"]].to_numpy(
            dtype=float).sum(axis=1)
        self.weights = pop / pop.sum()
        self.district = pd.factorize(lsoas["lad19cd"])[0]
        self.in_district = [np.flatnonzero(self.district == d) for d in range(self.district.max() + 1)]
        self.district_weights = [pop[rows] / pop[rows].sum() for rows in self.in_district]
        self.students = students

    def destinations(self, rng, current: np.ndarray, same_district_share: float,
                     student_age: np.ndarray) -> np.ndarray:
        dest = rng.choice(self.weights.size, current.size, p=self.weights)
        local = rng.random(current.size) < same_district_share
        district = self.district[current]
        for d in np.unique(district[local]):
            rows = np.flatnonzero(local & (district == d))
            dest[rows] = rng.choice(self.in_district[d], rows.size, p=self.district_weights[d])
        if self.students.size:
            studying = np.isin(current, self.students) & student_age
            dest[studying] = self.students[rng.integers(0, self.students.size, int(studying.sum()))]
        return dest


def _day_in_month(rng, first, days: int, not_before: np.ndarray) -> np.ndarray:
    """A random day, uniform over the days of the month that starts on ``first`` on which each
    person is here: from ``not_before`` (the day they arrived or were born: people arrive on any
    day of a month) or the first, to the month's end."""
    begin = np.maximum(first, not_before)
    remaining = (first + days - begin).astype(int)
    return begin + (rng.random(not_before.size) * remaining).astype(int)


def simulate(rng, people: pd.DataFrame, lsoas: pd.DataFrame, usual_practice: np.ndarray,
             cal: dict, start, end, students: np.ndarray) -> Lives:
    m, c, mig, mv = cal["mortality"], cal["covid19"], cal["migration"], cal["moves"]
    home, smoke, frail = cal["conditions"]["care_home"], cal["smoking"], cal["conditions"]["frailty"]
    n = len(people)
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    arrived = people["arrived"].to_numpy().astype("datetime64[D]")
    since = here_from(people)
    dementia_from = people["dementia_date"].to_numpy().astype("datetime64[D]")
    copd_from = people["copd_date"].to_numpy().astype("datetime64[D]")
    frailty_z = people["frailty_z"].to_numpy()
    home_from = people["care_home_from"].to_numpy().astype("datetime64[D]").copy()
    quintile = people["imd_quintile"].to_numpy()
    homes = _Homes(lsoas, students)
    lad = homes.district
    codes, places = lsoas["lsoa11cd"].to_numpy(), lsoas["place_code"].to_numpy()

    # Per-person constants and per-age tables, so the monthly loop only indexes arrays.
    tables = _mortality_tables(m)
    other_by_person = np.zeros(n, int)
    keys = list(tables)
    for k, (sex, q) in enumerate(keys):
        other_by_person[(people["sex"].to_numpy() == sex) & (quintile == q)] = k
    mortality_by_age = np.stack([tables[k] for k in keys])
    covid_person = _covid_person_ratio(c, people)
    covid_age = _per_year(c["age_ratio"])
    out_rate, move_rate = _per_year(mig["out_rate_by_age"]), _per_year(mv["rate_by_age"])
    entry_rate = _per_year(home["entry_rate_by_age"]) * (AGES >= 65)
    quit_rate = np.array(smoke["quit_rate_imd"])[quintile - 1]

    death = np.full(n, NAT, "datetime64[D]")
    left = np.full(n, NAT, "datetime64[D]")
    covid = np.zeros(n, bool)
    lsoa_now = people["lsoa_idx"].to_numpy().copy()
    status = people["smoking_status"].map({"never": 0, "current": 1, "ex": 2}).fillna(0).to_numpy(
        int).copy()
    moves, smoking = [], []
    # One order of the people, kept all period, that systematic draws go through: by place, then
    # five-year birth cohort, at random within them, so each place's and age group's yearly
    # counts carry no sampling noise either.
    cohort = (birth.astype("datetime64[Y]").astype(int) // 5)
    order = np.lexsort((rng.random(n), cohort, people["place_code"].to_numpy()))
    months = np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]"))
    for month in months:
        first = month.astype("datetime64[D]")
        days = int(((month + 1).astype("datetime64[D]") - first).astype(int))
        present = ((arrived < first + days) & np.isnat(death) & np.isnat(left)
                   & (birth < first + days))
        idx = order[present[order]]
        age = np.clip((first - birth[idx]).astype(int) / DAYS_PER_YEAR, 0, None)
        whole = np.minimum(age.astype(int), AGES.size - 1)
        calendar_month = int(str(month)[5:7])
        label = str(month)
        resident = home_from[idx] <= first
        frailty = np.zeros(idx.size, int)
        old = np.flatnonzero(age >= 65)
        frailty[old] = frailty_level(birth[idx[old]], frailty_z[idx[old]], first, frail)

        # Death: other causes and COVID-19 compete; a death is COVID-19's at its share of the
        # hazard. Rates improve by a stated share a year.
        years = (first - start).astype(int) / DAYS_PER_YEAR
        other = (mortality_by_age[other_by_person[idx], whole]
                 * (1 - m["annual_improvement"]) ** years * m["month_multiplier"][calendar_month]
                 * _state_ratio(m, whole, frailty, resident, dementia_from[idx] <= first,
                                copd_from[idx] <= first))
        wave = c["wave_ratio"].get(label, 0.0)
        covid_hazard = (other * wave * covid_age[whole] * covid_person[idx]
                        * np.where(resident, c["care_home_ratio"], 1.0)) if wave else 0.0 * other
        total = other * (1 - c["displacement"] * wave) + covid_hazard
        dies = systematic_draw(rng, 1 - np.exp(-total / 12))
        died = idx[dies]
        death[died] = _day_in_month(rng, first, days, since[died])
        covid[died] = rng.random(died.size) < covid_hazard[dies] / total[dies]

        alive = ~dies
        # Leaving the area (not from a care home): young adults most, in the summer.
        season = mig["young_adult_month_ratio"][calendar_month]
        rate = out_rate[whole] * np.where((age >= 18) & (age < 25), season, 1)
        leaves = alive & ~resident & (rng.random(idx.size) < rate / 12)
        left[idx[leaves]] = _day_in_month(rng, first, days, since[idx[leaves]])
        staying = alive & ~leaves

        # Moving home within the area; a move across districts usually changes practice.
        moving = np.flatnonzero(staying & ~resident & (rng.random(idx.size) < move_rate[whole] / 12))
        if moving.size:
            rows = idx[moving]
            dest = homes.destinations(rng, lsoa_now[rows], mv["same_district_share"],
                                      (age[moving] >= 18) & (age[moving] < 24))
            new_practice = (lad[dest] != lad[lsoa_now[rows]]) & (
                rng.random(rows.size) < mv["practice_change_share_across_districts"])
            when = _day_in_month(rng, first, days, since[rows])
            moves.append((rows, when, dest, new_practice))
            lsoa_now[rows] = dest

        # Moving into a care home: older, frailer people and people with dementia.
        candidates = staying & ~resident & (age >= 65)
        rate = (entry_rate[whole] * np.array(home["entry_frailty_ratio"])[frailty]
                * np.where(dementia_from[idx] <= first, home["dementia_multiplier"], 1.0))
        enters = candidates & systematic_draw(rng, np.where(candidates, rate / 12, 0.0))
        home_from[idx[enters]] = _day_in_month(rng, first, days, since[idx[enters]])

        # Smoking: adults quit, relapse or start; changes are recorded for the GP record.
        adult = staying & (age >= 18)
        now = status[idx]
        draw = rng.random(idx.size)
        # current smokers quit, ex-smokers relapse, never-smokers start (young adults only)
        change = adult & np.where(
            now == 1, draw < quit_rate[idx] / 12,
            np.where(now == 2, draw < smoke["relapse_rate"] / 12,
                     (now == 0) & (age < smoke["start_before_age"]) & (draw < smoke["start_rate"] / 12)))
        if change.any():
            rows = idx[change]
            status[rows] = np.where(now[change] == 1, 2, 1)
            smoking.append((rows, _day_in_month(rng, first, days, since[rows]), status[rows]))

    def joined(parts, k):
        return np.concatenate([part[k] for part in parts]) if parts else np.zeros(0, int)

    dest = joined(moves, 2)
    move_frame = pd.DataFrame({
        "row": joined(moves, 0), "date": joined(moves, 1).astype("datetime64[D]"),
        "lsoa11": codes[dest], "place_code": places[dest],
        "practice_code": np.where(joined(moves, 3).astype(bool), usual_practice[dest], None)})
    smoking_frame = pd.DataFrame({"row": joined(smoking, 0),
                                  "date": joined(smoking, 1).astype("datetime64[D]"),
                                  "status": SMOKING[joined(smoking, 2)]})
    return Lives(death=death, covid=covid, left=left, care_home_from=home_from,
                 moves=plain_text(move_frame.sort_values(["row", "date"], kind="stable",
                                                         ignore_index=True)),
                 smoking=smoking_frame)

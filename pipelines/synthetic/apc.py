"""Admitted patient care (data_contracts/apc_episodes.yml): emergency and elective spells as
consultant episodes, caused by the person's state.

Emergency admissions follow the age- and deprivation-specific rates of calibration.yml; who is
admitted follows the person (registers, frailty, care-home residence: admission_multipliers), and
the multipliers are normalised within each age band and quintile so that they move who is admitted,
not how many. The diagnosis comes from the person too: COPD only for people 35+ on the COPD
register, asthma from the asthma register, falls weighted to the old, frail and care-home residents.
Decedents have extra admissions in their last 90 days; those who die in hospital die at the end of
one. A share of spells have several consultant episodes, and some end in a transfer to another
provider, followed by that provider's spell (admission method 2B) from the same day. The planted
programme (calibration.yml planted_effects) lowers its place's residents' admissions from its month.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pipelines.synthetic.activity import monthly_events
from pipelines.synthetic.calibration import by_age, load_calibration, shares
from pipelines.synthetic.conditions import frailty_level
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.recording import recorded_ethnicity, recorded_lsoa
from pipelines.synthetic.residence import day_numbers, here_from, lsoa_on
from pipelines.synthetic.text_columns import coded_text, repeated_text, text_column

# New emergency admissions by method; 2B (a transfer) is never drawn: it is the second spell of a
# real transfer (_transfers).
EMERGENCY_METHODS, EMERGENCY_P = ["21", "22", "23", "24", "25", "2A", "2D", "28"], \
    [0.71, 0.15, 0.02, 0.03, 0.01, 0.04, 0.02, 0.02]
TRANSFER_IN_METHOD = "2B"
TRANSFER_DESTINATION = "51"  # NHS DD discharge destination / source of admission: other NHS hospital
CARE_HOME_SOURCES = ["54", "65", "85"]
PROVIDER_BY_PLACE = {"nottingham_city": "RX1", "south_notts": "RX1", "mid_notts": "RK5",
                     "bassetlaw": "RP5"}
SECONDARY_POSITIONS = 19  # Secondary_Diagnosis_01 .. _19 (data_contracts/apc_episodes.yml)


@dataclass(frozen=True)
class AdmittedCare:
    """The extract, and the spells behind it by person row (before the feed's damage), for the
    sequels other services draw from hospital discharges (social_care.py)."""
    episodes: pd.DataFrame
    spells: pd.DataFrame  # row, admitted, discharged (NaT: still in), destination, emergency


class PersonState:
    """The person columns the admission model reads, each converted once (on first use) rather
    than in every month of the monthly loop."""

    def __init__(self, people: pd.DataFrame, moves: pd.DataFrame | None = None):
        self._people = people
        self._moves = moves  # dynamics' moves: where people live on a day (None: never moved)
        self._since: dict[str, np.ndarray] = {}
        self._day_since: dict[str, np.ndarray] = {}

    def since(self, column: str) -> np.ndarray:
        """A date column (a register's, care-home residence's) as datetime64[D]."""
        if column not in self._since:
            self._since[column] = self._people[column].to_numpy().astype("datetime64[D]")
        return self._since[column]

    def day_since(self, column: str) -> np.ndarray:
        """The same as day numbers, never (NaT) the largest: one integer comparison a month."""
        if column not in self._day_since:
            self._day_since[column] = day_numbers(self.since(column))
        return self._day_since[column]

    @cached_property
    def birth(self) -> np.ndarray:
        return self.since("birth_date")

    @cached_property
    def here_from(self) -> np.ndarray:
        return here_from(self._people)

    @cached_property
    def frailty_z(self) -> np.ndarray:
        return self._people["frailty_z"].to_numpy()

    @cached_property
    def frailty_spec(self) -> dict:
        return load_calibration()["conditions"]["frailty"]  # as conditions.frailty_on reads it

    def place_on(self, rows: np.ndarray, on) -> np.ndarray:
        """The place each person in ``rows`` lives in on ``on`` (a day, or one per row)."""
        if self._moves is None:
            return self._people["place_code"].to_numpy()[rows]
        return lsoa_on(self._people, self._moves, rows,
                       np.broadcast_to(np.asarray(on, "datetime64[D]"), rows.shape),
                       column="place_code")

    def on_register(self, rows: np.ndarray, on, register: str) -> np.ndarray:
        return self.day_since(f"{register}_date")[rows] <= _day_number(on)

    def resident(self, rows: np.ndarray, on) -> np.ndarray:
        return self.day_since("care_home_from")[rows] <= _day_number(on)

    def frailty(self, rows: np.ndarray, on) -> np.ndarray:
        """As conditions.frailty_on, from the converted columns."""
        return frailty_level(self.birth[rows], self.frailty_z[rows], on, self.frailty_spec)


def _day_number(on) -> np.ndarray:
    """A day (or days) as days since 1970; NaT the smallest, so on no register."""
    return np.asarray(on, "datetime64[D]").astype(np.int64)


def admission_multiplier(state: PersonState, rows: np.ndarray, on, spec: dict) -> np.ndarray:
    """Relative emergency admission hazard of each person from their state on `on`, before
    normalisation: the product of their registers', frailty's and care-home residence's."""
    multiplier = np.array(spec["frailty"], dtype=float)[state.frailty(rows, on)]
    for register, factor in spec["registers"].items():
        multiplier *= np.where(state.on_register(rows, on, register), factor, 1.0)
    return multiplier * np.where(state.resident(rows, on), spec["care_home_resident"], 1.0)


def planted_ratio(people: pd.DataFrame | PersonState, rows: np.ndarray, on, age: np.ndarray,
                  effect: dict) -> np.ndarray:
    """The planted programme's hazard ratio for each person on `on` (1 where it does not reach)."""
    state = people if isinstance(people, PersonState) else PersonState(people)
    reached = (state.resident(rows, on) & (age >= effect["min_age"])
               & (np.asarray(on) >= np.datetime64(effect["from_month"], "M").astype("datetime64[D]")))
    # the place on the day (people move), looked up only for the few the rest let through
    at = np.flatnonzero(reached)
    days = np.broadcast_to(np.asarray(on, "datetime64[D]"), rows.shape)
    reached[at] = state.place_on(rows[at], days[at]) == effect["place"]
    return np.where(reached, effect["hazard_ratio"], 1.0)


def _emergency_spells(rng, people, state, death, cal, start, end):
    """(person row, admission day) of background emergency admissions, month by month: the
    calibrated rates shared out by the person's state, less what the planted programme avoids."""
    a = cal["admitted_care"]
    effect = cal["planted_effects"]["care_home_programme"]
    return monthly_events(
        rng, people, death, start, end, rate_by_age=a["emergency_rate_by_age"],
        imd_multiplier=a["imd_multiplier"], year_multiplier=a["year_multiplier"],
        person_ratio=lambda rows, on: admission_multiplier(state, rows, on,
                                                           a["admission_multipliers"]),
        effect_ratio=lambda rows, on, age: planted_ratio(state, rows, on, age, effect))


def _end_of_life_spells(rng, state, death, profiles, cal):
    """Extra emergency admissions in the last 90 days of life, and the admission that ends in a
    hospital death: (rows, days, dies_here)."""
    a = cal["admitted_care"]
    dec = profiles["row"].to_numpy()
    died = profiles["date_of_death"].to_numpy().astype("datetime64[D]")
    extra = np.where(rng.random(dec.size) < a["end_of_life_admission_probability"],
                     1 + rng.poisson(a["end_of_life_extra_admissions_mean"] - 1, dec.size), 0)
    eol_person = np.repeat(dec, extra)
    eol_day = np.repeat(died, extra) - np.floor(90 * rng.beta(1.2, 2, eol_person.size)).astype(int)
    birth = state.birth
    here = state.here_from  # not before birth or moving in
    eol_day = np.maximum(eol_day, here[eol_person])
    # the planted programme avoids these too (not the admission in which a person dies)
    age = (eol_day - birth[eol_person]).astype(int) / DAYS_PER_YEAR
    ratio = planted_ratio(state, eol_person, eol_day, age,
                          cal["planted_effects"]["care_home_programme"])
    avoided = rng.random(eol_person.size) >= ratio
    eol_person, eol_day = eol_person[~avoided], eol_day[~avoided]
    in_hospital = profiles["place_of_death"].to_numpy() == "hospital"
    final_person = dec[in_hospital]
    final_day = np.maximum(died[in_hospital] - rng.integers(0, 12, final_person.size),
                           here[final_person])
    return (np.concatenate([eol_person, final_person]), np.concatenate([eol_day, final_day]),
            np.concatenate([np.zeros(eol_person.size, bool), np.ones(final_person.size, bool)]))


def diagnosis_groups(rng, state: PersonState, quintile: np.ndarray, rows: np.ndarray, on: np.ndarray,
                     age: np.ndarray, groups: dict) -> np.ndarray:
    """The primary diagnosis group of each emergency admission, from the person on the day: each
    group's weight is its `weight` (by age where given), zero without its register (and below its
    min_age), times its frailty, care-home and deprivation multipliers where it has them."""
    names = list(groups)
    weights = np.empty((rows.size, len(names)))
    frailty = state.frailty(rows, on)
    quintile = quintile[rows] - 1
    resident = state.resident(rows, on)
    for j, name in enumerate(names):
        g = groups[name]
        w = (by_age(g["weight_by_age"], age) if "weight_by_age" in g
             else np.full(rows.size, float(g["weight"])))
        if "register" in g:
            w = w * state.on_register(rows, on, g["register"])
        w = w * (age >= g.get("min_age", 0))
        if "frailty_multiplier" in g:
            w = w * np.array(g["frailty_multiplier"])[frailty]
        if "care_home_multiplier" in g:
            w = w * np.where(resident, g["care_home_multiplier"], 1.0)
        if "imd_multiplier" in g:
            w = w * np.array(g["imd_multiplier"])[quintile]
        weights[:, j] = w
    cumulative = np.cumsum(weights, axis=1)
    pick = (cumulative < rng.random(rows.size)[:, None] * cumulative[:, -1:]).sum(axis=1)
    return np.array(names, dtype=object)[pick]


def _codes_for(rng, group: np.ndarray, groups: dict) -> np.ndarray:
    codes = np.empty(group.size, dtype=object)
    for name, g in groups.items():
        members = group == name
        codes[members] = rng.choice(g["codes"], int(members.sum()))
    return codes


def _secondary_diagnoses(rng, primary: np.ndarray, group: np.ndarray, age: np.ndarray,
                         registers: dict[str, np.ndarray], spec: dict):
    """Secondary diagnosis positions as SUS codes them, and the primaries that go with them:
    first what was moved out of the primary (COPD behind a J20 primary) and an alcohol code on a
    share of adults' episodes, then the person's registered conditions, then other comorbidities
    (more with age), last the external cause after an injury or alcohol poisoning (X45/X65 after
    T51.0). Returns the primary codes (some recoded), an (episodes x 19) array of positions in
    the vocabulary (-1 where empty) and the vocabulary. Vectorised: every part is a block of
    columns, then each row is packed to the left."""
    n = primary.size
    pool, p = shares(spec["comorbidities"])
    # codes are handled as positions in this vocabulary (-1: none) until the last step: small
    # integer arrays, not (episodes x 20) arrays of Python strings
    vocabulary = pd.unique(np.array(
        [*spec["copd_primaries"], *spec["alcohol_codes"], *spec["register_codes"].values(), *pool,
         *spec["fall_causes"], *spec["other_injury_causes"], *spec["alcohol_poisoning_causes"]],
        dtype=object))

    def position(codes, where):
        return np.where(where, pd.Categorical(codes, categories=vocabulary).codes, -1)

    def drawn(codes):  # rng.choice(codes, n) as positions: the same draw, without the strings
        return position(np.array(codes, dtype=object), True)[rng.choice(len(codes), n)]

    copd = np.isin(primary, spec["copd_primaries"])
    to_j20 = copd & (rng.random(n) < spec["copd_as_acute_bronchitis"])
    j20_alone = (group == "other") & ~registers["copd"] & (
        rng.random(n) < spec["acute_bronchitis_without_copd"])
    poisoned = (group == "other") & (age >= 16) & (rng.random(n) < spec["alcohol_poisoning"])
    falls = group == "falls_injury"
    fall_cause = rng.random(n) < spec["falls_with_fall_cause"]
    drinker = (age >= 16) & (rng.random(n) < spec["alcohol_secondary"])
    moved = position(primary, to_j20)
    primary = np.where(to_j20 | j20_alone, "J209", np.where(poisoned, "T510", primary))
    alcohol = np.where(drinker, drawn(spec["alcohol_codes"]), -1)
    registered = []
    for register, code in spec["register_codes"].items():
        at = int(position(np.array([code]), True)[0])
        registered.append(np.where(registers[register] & (primary != code) & (moved != at), at, -1))
    # other comorbidities, without replacement, weighted: the first k of a Gumbel-style ordering
    counts = np.minimum(rng.poisson(spec["comorbidity_base"] + np.maximum(age - 40, 0)
                                    / spec["comorbidity_years_per_extra"]), len(pool))
    order = np.argsort(rng.exponential(size=(n, len(pool))) / p, axis=1)
    comorbid = np.where(np.arange(len(pool)) < counts[:, None],
                        position(np.array(pool, dtype=object), True)[order], -1)
    cause = np.where(falls | poisoned,
                     np.where(falls, np.where(fall_cause, drawn(spec["fall_causes"]),
                                              drawn(spec["other_injury_causes"])),
                              drawn(spec["alcohol_poisoning_causes"])), -1)
    blocks = np.column_stack([moved, alcohol, *registered, comorbid, cause]).astype(np.int16)
    filled = blocks >= 0
    packed = np.take_along_axis(blocks, np.argsort(~filled, axis=1, kind="stable"), axis=1)
    width = min(SECONDARY_POSITIONS, packed.shape[1])
    packed = packed[:, :width]
    # too many codes for 19 positions: the external cause keeps the last one
    overflow = (filled.sum(axis=1) > SECONDARY_POSITIONS) & (cause >= 0)
    packed[overflow, -1] = cause[overflow]
    secondary = np.full((n, SECONDARY_POSITIONS), -1, dtype=np.int16)
    secondary[:, :width] = packed
    return primary, secondary, vocabulary


def _codes(values: np.ndarray, index=None) -> pd.Series:
    """A code column of the working frames, kept as Python objects (not pandas' Arrow text)."""
    return pd.Series(np.asarray(values, dtype=object), index=index, dtype=object, copy=False)


def _providers(place: np.ndarray) -> np.ndarray:
    """The acute provider of each place (PROVIDER_BY_PLACE), one comparison per place."""
    provider = np.empty(place.size, dtype=object)
    for name, code in PROVIDER_BY_PLACE.items():
        provider[place == name] = code
    return provider


def _transfers(rng, spells: pd.DataFrame, a: dict, end) -> pd.DataFrame:
    """A share of emergency spells that end alive end in a transfer to another provider
    (destination 51), whose own spell (method 2B, source 51) starts that day with the diagnosis."""
    t = a["transfers"]
    discharged = spells["discharged"].to_numpy()
    gone = spells["exit"].to_numpy()  # dies or leaves the area
    can = (spells["emergency"].to_numpy() & ~spells["dies_here"].to_numpy() & (discharged < end)
           & (np.isnat(gone) | (discharged < gone)))
    out = spells[can & (rng.random(len(spells)) < t["share_of_emergency_spells"])]
    spells.loc[out.index, "destination"] = TRANSFER_DESTINATION
    to = np.empty(len(out), dtype=object)
    for sender, receivers in t["receiving_provider"].items():
        sent = out["provider"].to_numpy() == sender
        to[sent] = rng.choice(receivers, int(sent.sum()))
    onward = out.assign(
        admitted=out["discharged"], provider=_codes(to, out.index),
        method=_codes(np.full(len(out), TRANSFER_IN_METHOD), out.index),
        source=_codes(np.full(len(out), TRANSFER_DESTINATION), out.index))
    stay = rng.exponential(t["onward_stay_mean_days"], len(out)).astype(int)
    discharged = out["discharged"].to_numpy() + stay.astype("timedelta64[D]")
    death, gone = out["died"].to_numpy(), out["exit"].to_numpy()
    dies = ~np.isnat(death) & (death <= discharged)  # dies there: the spell ends with the death
    # (a person who leaves the area meanwhile is discharged, not dead, by the day they leave)
    onward["discharged"] = np.where(dies, death, np.where(gone < discharged, gone, discharged))
    onward["dies_here"] = dies
    onward["destination"] = _codes(np.where(dies, "79", out["destination"].to_numpy()), out.index)
    return pd.concat([spells, onward], ignore_index=True)


def _episodes(rng, spells: pd.DataFrame, e: dict, groups: dict, end) -> pd.DataFrame:
    """Consultant episodes: a share of emergency spells have 2 or 3, consecutive (each starts the
    day the one before ends), and a later episode's primary diagnosis may be another."""
    n = len(spells)
    count = np.where(spells["emergency"], 1 + rng.choice(3, n, p=[1 - e["two"] - e["three"],
                                                                   e["two"], e["three"]]), 1)
    episodes = spells.loc[spells.index.repeat(count)].reset_index(drop=True)
    first_of_spell = np.r_[0, np.cumsum(count)[:-1]]
    number = np.arange(len(episodes)) - np.repeat(first_of_spell, count) + 1
    admitted = episodes["admitted"].to_numpy().astype("datetime64[D]")
    stay = (episodes["discharged"].to_numpy().astype("datetime64[D]") - admitted).astype(int)
    k = np.repeat(count, count)
    # split points: the k-1 boundaries, evenly spread with jitter, in whole days
    share_start = np.where(number == 1, 0.0, (number - 1 + rng.uniform(-0.4, 0.4, len(episodes)))
                           / k)
    start_day = admitted + np.floor(stay * share_start).astype(int)
    next_start = np.r_[start_day[1:], start_day[-1:]]
    last = number == k
    episodes["episode_start"] = start_day
    episodes["episode_end"] = np.where(last, episodes["discharged"].to_numpy(), next_start)
    episodes["episode_number"] = number
    later = (number > 1) & (rng.random(len(episodes)) < e["later_primary_changes"])
    episodes["diagnosis"] = _codes(np.where(later,
                                            rng.choice(groups["other"]["codes"], len(episodes)),
                                            episodes["diagnosis"]), episodes.index)
    return episodes[episodes["episode_start"] < end]


def apc_extract(rng, people: pd.DataFrame, death: np.ndarray, profiles: pd.DataFrame,
                moves: pd.DataFrame, cal: dict, start, end) -> AdmittedCare:
    a = cal["admitted_care"]
    groups = a["emergency_diagnoses"]
    state = PersonState(people, moves)
    em_person, em_day = _emergency_spells(rng, people, state, death, cal, start, end)
    eol_person, eol_day, dies_here = _end_of_life_spells(rng, state, death, profiles, cal)
    years = (end - start).astype(int) / DAYS_PER_YEAR
    elective_person = np.flatnonzero(rng.random(len(people)) < a["elective_rate"] * years)
    elective_day = start + rng.integers(0, (end - start).astype(int), elective_person.size)
    # only while the person lives here (not before birth or moving in, not after death or leaving)
    born = people["arrived"].to_numpy().astype("datetime64[D]")[elective_person]
    dies = death[elective_person]
    alive = (born <= elective_day) & (np.isnat(dies) | (elective_day <= dies))
    elective_person, elective_day = elective_person[alive], elective_day[alive]
    person = np.concatenate([em_person, eol_person, elective_person])
    admitted = np.concatenate([em_day, eol_day, elective_day]).astype("datetime64[D]")
    emergency = np.arange(person.size) < em_person.size + eol_person.size
    dies_here = np.concatenate([np.zeros(em_person.size, bool), dies_here,
                                np.zeros(elective_person.size, bool)])
    n = person.size

    stay = np.where(emergency, np.where(rng.random(n) < 0.3, 0, rng.exponential(5, n).astype(int)),
                    np.where(rng.random(n) < 0.75, 0, rng.integers(1, 6, n)))
    discharged = admitted + stay.astype("timedelta64[D]")
    dod = death[person]
    discharged = np.where(dies_here, dod, np.where(~np.isnat(dod), np.minimum(discharged, dod),
                                                   discharged))
    admitted = np.minimum(admitted, discharged)
    birth = state.birth[person]
    age = ((admitted - birth).astype(int) / DAYS_PER_YEAR).astype(int)
    group = np.where(emergency, diagnosis_groups(rng, state, people["imd_quintile"].to_numpy(),
                                                      person, admitted, age, groups),
                     "elective")
    diagnosis = np.where(emergency, _codes_for(rng, group, groups),
                         rng.choice(a["elective_diagnoses"], n))
    resident = state.resident(person, admitted)
    # the codes stay plain object columns until the extract frame: no Arrow text to build here
    # and read back for every episode
    spells = pd.DataFrame({
        "row": person, "admitted": admitted, "discharged": discharged, "exit": dod,
        "died": state.since("died_on")[person],
        "emergency": emergency, "dies_here": dies_here, "group": _codes(group),
        "diagnosis": _codes(diagnosis),
        "method": _codes(np.where(emergency, rng.choice(EMERGENCY_METHODS, n, p=EMERGENCY_P),
                                  rng.choice(["11", "12", "13"], n, p=[0.6, 0.1, 0.3]))),
        "source": _codes(np.where(resident & (rng.random(n) < 0.6),
                                  rng.choice(CARE_HOME_SOURCES, n), "19")),
        "destination": _codes(np.where(dies_here, "79", np.where(resident, "54", "19"))),
        "provider": _codes(_providers(state.place_on(person, admitted))),
        "day_case": ~emergency & (stay == 0),
    })
    spells = _transfers(rng, spells, a, end)
    episodes = _episodes(rng, spells, a["episodes_per_spell"], groups, end)
    spells = spells[(spells["admitted"] >= start) & (spells["admitted"] < end)]

    rows = episodes["row"].to_numpy()
    on = episodes["episode_start"].to_numpy().astype("datetime64[D]")
    admitted = episodes["admitted"].to_numpy().astype("datetime64[D]")
    age = ((admitted - state.birth[rows]).astype(int)
           / DAYS_PER_YEAR).astype(int)
    registers = {r: state.on_register(rows, on, r)
                 for r in a["secondary_diagnoses"]["register_codes"]}
    diagnosis, secondary, vocabulary = _secondary_diagnoses(
        rng, episodes["diagnosis"].to_numpy(), episodes["group"].to_numpy(), age, registers,
        a["secondary_diagnoses"])
    discharged = episodes["discharged"].to_numpy().astype("datetime64[D]")
    open_spell = discharged >= end
    episode_end = episodes["episode_end"].to_numpy().astype("datetime64[D]")
    dies_here = episodes["dies_here"].to_numpy()
    text = text_column
    frame = pd.DataFrame({
        "person_id": text(people["person_id"].to_numpy()[rows]),
        "Admission_Date": admitted,
        "Discharge_Date": np.where(open_spell, np.datetime64("NaT"), discharged),
        "Episode_Start_Date": on,
        "Episode_End_Date": np.where(episode_end >= end, np.datetime64("NaT"), episode_end),
        "Episode_Number": episodes["episode_number"].to_numpy(),
        "Admission_Method": text(episodes["method"].to_numpy()),
        "Source_of_Admission": text(episodes["source"].to_numpy()),
        "Discharge_Destination": text(np.where(open_spell, "98",
                                               episodes["destination"].to_numpy())),
        "Discharge_Method": text(np.where(open_spell, "8", np.where(dies_here, "4", "1"))),
        "Patient_Classification": text(np.where(episodes["day_case"].to_numpy(), "2", "1")),
        "Primary_Diagnosis_Code": text(diagnosis),
        **{f"Secondary_Diagnosis_{k + 1:02d}": coded_text(secondary[:, k], vocabulary)
           for k in range(SECONDARY_POSITIONS)},
        "Der_Postcode_LSOA_Code": text(recorded_lsoa(rng, people, moves, rows, admitted,
                                                     cal["recording"])),
        "Ethnic_Group": text(recorded_ethnicity(rng, people["ethnic_category"].to_numpy()[rows],
                                                cal["recording"])),
        "Sex": text(people["sex"].to_numpy()[rows]),
        "Age_On_Admission": age,
        "Der_Provider_Code": text(episodes["provider"].to_numpy()),
        "source_system": repeated_text("SUS_APC", rows.size),
    })[(admitted >= start) & (admitted < end)]
    frame = frame.sort_values(["Episode_Start_Date", "person_id", "Episode_Number"], kind="stable")
    frame.insert(0, "APCE_Ident", np.arange(1, len(frame) + 1, dtype=np.int64) + 500_000_000)
    unmatched = rng.random(len(frame)) < a["share_person_id_unmatched"]
    frame.loc[unmatched, "person_id"] = None
    frame.loc[rng.random(len(frame)) < a["share_lsoa_missing"], "Der_Postcode_LSOA_Code"] = None
    return AdmittedCare(frame.reset_index(drop=True),
                        spells[["row", "admitted", "discharged", "destination", "emergency"]]
                        .reset_index(drop=True))

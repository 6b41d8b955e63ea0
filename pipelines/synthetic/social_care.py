"""Adult social care client-level events (data_contracts/asc_cld_events.yml) and the care-home
reference (data_contracts/care_home_reference.yml).

Requests for support follow real hospital discharges (a share of each person's emergency discharges
home, within days) or come from the community; they lead to reablement (ST-Max), long-term
community support or nothing. Reablement ends as the person's simulated life goes on: death, an
emergency admission or a move into a care home during it end it early; otherwise it ends as
planned, for some followed by long-term support (the sequels ASCOF 2A / CH-06 and 2B / CH-05
read). LA-funded care-home residents have a long-term residential or
nursing service from the day they move in. Services are delivered when they start, and again with
their end date when they end (the later copy wins, as in the CLD's stacked submissions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import by_age
from pipelines.synthetic.conditions import frailty_on
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.residence import lsoa_on

ETHNICITY_WORDING = {"A": "White - English, Welsh, Scottish, Northern Irish or British",
                     "B": "White - Irish", "H": "Asian or Asian British - Indian",
                     "J": "Asian or Asian British - Pakistani", "N": "Black or Black British - African",
                     "M": "Black or Black British - Caribbean", None: "Not Stated"}
# Long-term community support lasts an exponential time of this mean (judgement).
LONG_TERM_MEAN_WEEKS = 80
ACCOMMODATION = ["Owner occupier or shared ownership scheme", "Tenant",
                 "Settled mainstream housing with family / friends"]


def _la_codes(place: np.ndarray, cal: dict) -> np.ndarray:
    """The council of each place: the city's own, or the county's."""
    return np.where(place == "nottingham_city", cal["la_codes"]["nottingham_city"],
                    cal["la_codes"]["county"])


def _person_fields(people: pd.DataFrame) -> dict[str, np.ndarray]:
    """The CLD's person fields for everyone, worked out once (each event row then takes its
    person's): pseudonyms, birth year and month, gender, ethnicity wording. (The council is the
    one of the place they live in on the event's day: _events_for.)"""
    birth = people["birth_date"].to_numpy().astype("datetime64[M]")
    person_id = people["person_id"].to_numpy()
    return {
        "person_id": person_id,
        "Der_LA_Person_Unique_Identifier_Pseudo": np.array(["L" + p[:12] for p in person_id],
                                                           dtype=object),
        "Der_Birth_Year": birth.astype("datetime64[Y]").astype(int) + 1970,
        "Der_Birth_Month": birth.astype(int) % 12 + 1,
        "Gender": np.where(people["sex"].to_numpy() == "2", "Female", "Male"),
        "Ethnicity": np.array([ETHNICITY_WORDING.get(e, "Other ethnic group") for e in
                               people["ethnic_category"].to_numpy()], dtype=object),
    }


def _events_for(rows, person_fields, start_days, kind, la_code, **columns):
    """CLD rows for `rows` (people) starting on `start_days`, with the person fields filled in and
    `la_code(rows, days)` the council responsible then."""
    frame = pd.DataFrame({
        "LA_Code": la_code(rows, start_days),
        **{name: values[rows] for name, values in person_fields.items()},
        "Client_Type": "Service User",
        "Event_Type": kind,
        "Event_Start_Date": start_days.astype("datetime64[D]"),
    })
    for name, values in columns.items():
        frame[name] = values
    return frame


def _next_admission(spells: pd.DataFrame, rows: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The day of each person's first emergency admission after `after` (NaT if none)."""
    emergency = spells[spells["emergency"].to_numpy()]
    key = (emergency["row"].to_numpy().astype(np.int64) * 100_000
           + emergency["admitted"].to_numpy().astype("datetime64[D]").astype(np.int64))
    order = np.argsort(key, kind="stable")
    key, admitted = key[order], emergency["admitted"].to_numpy().astype("datetime64[D]")[order]
    wanted = rows.astype(np.int64) * 100_000 + after.astype("datetime64[D]").astype(np.int64)
    at = np.minimum(np.searchsorted(key, wanted, side="right"), max(key.size - 1, 0))
    found = (key.size > 0) & (key[at] // 100_000 == rows) & (key[at] > wanted)
    return np.where(found, admitted[at], np.datetime64("NaT"))


def _requests(rng, people, death, spells, sc, start, end):
    """(person row, request day, after a hospital discharge) of each request for support: a share
    of the emergency discharges home of adults living at home (within days of the discharge), and
    requests from the community at a rate by age."""
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    arrived = people["arrived"].to_numpy().astype("datetime64[D]")
    home_from = people["care_home_from"].to_numpy().astype("datetime64[D]")
    home = spells[spells["emergency"].to_numpy() & (spells["destination"].to_numpy() == "19")]
    rows = home["row"].to_numpy()
    day = (home["discharged"].to_numpy().astype("datetime64[D]")
           + rng.integers(0, sc["discharge_request_within_days"] + 1, rows.size))
    age = (day - birth[rows]).astype(int) / DAYS_PER_YEAR
    at_home = np.isnat(home_from[rows]) | (home_from[rows] > day)
    asked = (at_home & (age >= 18)
             & (rng.random(rows.size) < by_age(sc["discharge_request_share"], np.maximum(age, 18))))
    discharge_rows, discharge_day = rows[asked], day[asked]

    age_at_start = (start - birth).astype(int) / DAYS_PER_YEAR
    years = (end - start).astype(int) / DAYS_PER_YEAR
    disability = ~np.isnat(people["learning_disability_date"].to_numpy())
    rate = np.where(age_at_start >= 18,
                    np.where(disability, sc["learning_disability"]["request_rate"],
                             by_age(sc["community_request_rate"], np.maximum(age_at_start, 18))),
                    0.0)
    community_rows = np.repeat(np.arange(len(people)), rng.poisson(rate * years))
    community_day = start + rng.integers(0, (end - start).astype(int), community_rows.size)
    rows = np.concatenate([discharge_rows, community_rows])
    day = np.concatenate([discharge_day, community_day]).astype("datetime64[D]")
    discharge = np.arange(rows.size) < discharge_rows.size
    keep = ((day >= start) & (day < end) & (day >= arrived[rows])
            & (np.isnat(death[rows]) | (day < death[rows])))
    return rows[keep], day[keep], discharge[keep]


def _reablement_ends(rng, people, death, spells, rows, begin, sc):
    """How each ST-Max episode ends, from what happens to the person: death, an emergency
    admission or a move into a care home during it end it early; otherwise it ends as planned,
    followed by long-term support for a share (more for the frail). Returns (end day, outcome,
    long-term support follows)."""
    planned = begin + rng.integers(sc["reablement_days"][0], sc["reablement_days"][1] + 1,
                                   rows.size)
    dead = death[rows]
    admitted = _next_admission(spells, rows, begin)
    moved = people["care_home_from"].to_numpy().astype("datetime64[D]")[rows]
    moved = np.where(moved > begin, moved, np.datetime64("NaT"))
    never = np.datetime64("2262-01-01")
    ended = np.minimum.reduce([planned, np.where(np.isnat(dead), never, dead),
                               np.where(np.isnat(admitted), never, admitted),
                               np.where(np.isnat(moved), never, moved)])
    long_term = ((ended == planned)
                 & (rng.random(rows.size) < np.array(sc["long_term_after_reablement_by_frailty"])
                    [frailty_on(people, rows, begin)]))
    outcome = np.select(
        [ended == dead, ended == admitted, (ended == moved) | long_term],
        [_gone(people, rows), "Admitted to hospital", "Progress to Support Planning / Services"],
        "Service ended as planned")
    return ended, outcome, long_term


def _caseload_at_start(rng, people, death, sc, start):
    """Long-term community support already running on the first day (a council's caseload is not
    empty when the extracts begin; without it the caseload, and every share of it, would climb for
    years). Each adult living at home is on it with the steady-state chance: the yearly rate of
    starting it (requests x the long-term share; not via reablement) times its mean length. A
    stationary caseload's elapsed and remaining times are both exponential with that mean.
    Returns (rows, begin, end) with end NaT-free (capped later by death or leaving)."""
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (start - birth).astype(int) / DAYS_PER_YEAR
    home_from = people["care_home_from"].to_numpy().astype("datetime64[D]")
    arrived = people["arrived"].to_numpy().astype("datetime64[D]")
    disability = people["learning_disability_date"].to_numpy().astype("datetime64[D]") <= start
    here = ((arrived <= start) & (np.isnat(death) | (death > start)) & (age >= 18)
            & (np.isnat(home_from) | (home_from > start)))
    community = (by_age(sc["community_request_rate"], np.maximum(age, 18))
                 * np.where(age >= 65, 1 - sc["reablement_share_65plus"]["community"], 1)
                 * sc["long_term_community_share"])
    ld = sc["learning_disability"]
    rate = np.where(disability, ld["request_rate"] * ld["long_term_share"], community)
    mean_years = LONG_TERM_MEAN_WEEKS * 7 / DAYS_PER_YEAR
    rows = np.flatnonzero(here & (rng.random(len(people)) < rate * mean_years))
    weeks = rng.exponential(LONG_TERM_MEAN_WEEKS, (2, rows.size)) * 7
    return rows, start - weeks[0].astype(int), start + np.maximum(weeks[1].astype(int), 1)


def _caseload_services(rng, people, death, sc, start, person_fields, la_code) -> list:
    """The start's caseload (_caseload_at_start) as CLD rows: each service delivered in the first
    month, and again with its end when death, leaving or its planned end comes."""
    held, began, until = _caseload_at_start(rng, people, death, sc, start)
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")[held]
    disability = people["learning_disability_date"].to_numpy().astype("datetime64[D]")[held] <= start
    paid = disability & (rng.random(held.size) < sc["learning_disability_paid_employment"])
    opened = _events_for(
        held, person_fields, began, "Service", la_code, Event_End_Date=np.datetime64("NaT"),
        Service_Type="Long Term Support: Community", Service_Component="Home Care",
        Delivery_Mechanism=np.where(rng.random(held.size) < sc["direct_payment_share"],
                                    "Direct Payment", "CASSR Managed Personal Budget"),
        Request_Route_of_Access=None, Event_Outcome=None,
        Primary_Support_Reason=np.where(
            disability, "Learning Disability Support",
            np.where((start - birth).astype(int) / DAYS_PER_YEAR >= 65,
                     "Physical Support: Personal care support", "Mental Health Support")),
        Accommodation_Status=rng.choice(ACCOMMODATION, held.size, p=[0.55, 0.30, 0.15]),
        Employment_Status=np.where(paid, "Paid: Less than 16 hours a week",
                                   "Not in Paid Employment (not actively seeking work / retired)"))
    opened["known_on"] = start
    gone = death[held]
    ends_early = ~np.isnat(gone) & (gone <= until)
    closed = opened.copy()
    closed["Event_End_Date"] = np.where(ends_early, gone, until)
    closed["Event_Outcome"] = np.where(ends_early, _gone(people, held),
                                       "NFA - Support ended: Other reason")
    closed["known_on"] = closed["Event_End_Date"]
    return [opened, closed]


def _gone(people: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """The CLD outcome when a person's time here ends: died, or moved away."""
    died = ~np.isnat(people["died_on"].to_numpy().astype("datetime64[D]")[rows])
    return np.where(died, "NFA - Deceased", "NFA - Moved to another LA")


def social_care_extract(rng, people: pd.DataFrame, death: np.ndarray, spells: pd.DataFrame,
                        moves: pd.DataFrame, cal: dict, start, end):
    """Rows with a ``known_on`` column (the day each version is delivered). `spells` are the
    hospital spells (apc.AdmittedCare.spells): requests follow real discharges, and reablement
    ends as the person's later admissions, death (or leaving: ``death`` is the day a person's time
    here ends) and care-home move say."""
    sc = cal["social_care"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    rows, day, discharge = _requests(rng, people, death, spells, sc, start, end)
    n = rows.size
    older = (day - birth[rows]).astype(int) / DAYS_PER_YEAR >= 65
    share = np.where(discharge, sc["reablement_share_65plus"]["after_discharge"],
                     sc["reablement_share_65plus"]["community"])
    reable = older & (rng.random(n) < share)
    disability = ~np.isnat(people["learning_disability_date"].to_numpy()[rows])
    long_term = ~reable & (rng.random(n) < np.where(
        disability, sc["learning_disability"]["long_term_share"], sc["long_term_community_share"]))
    outcome = np.where(reable, "Progress to Reablement/ST-Max",
                       np.where(long_term, "Progress to Support Planning / Services",
                                "No Services Provided - Universal Services/Signposted to other services"))
    reason = np.where(disability, "Learning Disability Support",
                      np.where(older, "Physical Support: Personal care support",
                               "Mental Health Support"))
    accommodation = rng.choice(ACCOMMODATION, n, p=[0.55, 0.30, 0.15])
    employment = np.where(reason == "Learning Disability Support",
                          np.where(rng.random(n) < sc["learning_disability_paid_employment"],
                                   "Paid: Less than 16 hours a week",
                                   "Not in Paid Employment (not actively seeking work / retired)"),
                          "Not in Paid Employment (not actively seeking work / retired)")
    common = {"Primary_Support_Reason": reason, "Accommodation_Status": accommodation,
              "Employment_Status": employment}
    person_fields = _person_fields(people)

    def la_code(rows, days):
        return _la_codes(lsoa_on(people, moves, rows, days, column="place_code"), sc)
    requests = _events_for(rows, person_fields, day, "Request", la_code, Event_End_Date=day,
                           Service_Type=None, Service_Component=None, Delivery_Mechanism=None,
                           Request_Route_of_Access=np.where(discharge, "Discharge from Hospital",
                                                            "Community / Other route"),
                           Event_Outcome=outcome, **common)
    requests["known_on"] = day

    def service(idx, begin, finish, outcome_at_end, service_type, component, mechanism):
        """A service row delivered when it starts, and again with its end when it ends."""
        frame = _events_for(rows[idx], person_fields, begin, "Service", la_code,
                            Event_End_Date=np.datetime64("NaT"), Service_Type=service_type,
                            Service_Component=component, Delivery_Mechanism=mechanism,
                            Request_Route_of_Access=None, Event_Outcome=None,
                            **{k: v[idx] for k, v in common.items()})
        frame["known_on"] = begin
        closed = frame.copy()
        closed["Event_End_Date"] = finish
        closed["Event_Outcome"] = outcome_at_end
        closed["known_on"] = finish
        return [frame, closed]

    def home_care(idx, begin):
        """Long-term community support from `begin`, ended by death, leaving or after months."""
        finish = begin + (rng.exponential(LONG_TERM_MEAN_WEEKS, idx.size) * 7).astype(int)
        dead = death[rows[idx]]
        died = ~np.isnat(dead) & (dead <= finish)
        mechanism = np.where(rng.random(idx.size) < sc["direct_payment_share"], "Direct Payment",
                             "CASSR Managed Personal Budget")
        return service(idx, begin, np.where(died, dead, finish),
                       np.where(died, _gone(people, rows[idx]), "NFA - Support ended: Other reason"),
                       "Long Term Support: Community", "Home Care", mechanism)

    idx = np.flatnonzero(reable)
    begin = day[idx] + np.where(discharge[idx], rng.integers(0, 3, idx.size),
                                rng.integers(1, 10, idx.size)).astype("timedelta64[D]")
    finish, ended, then_long_term = _reablement_ends(rng, people, death, spells, rows[idx],
                                                     begin, sc)
    services = service(idx, begin, finish, ended, "Short Term Support: ST-Max", "Reablement",
                       "CASSR Commissioned Support only")
    follows_from = finish + rng.integers(1, 15, idx.size).astype("timedelta64[D]")
    dead = death[rows[idx]]
    then_long_term &= np.isnat(dead) | (dead > follows_from)
    services += home_care(idx[then_long_term], follows_from[then_long_term])
    idx = np.flatnonzero(long_term)
    services += home_care(idx, day[idx] + rng.integers(1, 10, idx.size).astype("timedelta64[D]"))
    services += _caseload_services(rng, people, death, sc, start, person_fields, la_code)

    # LA-funded care-home residents (self-funders, ~40%, are invisible to the CLD).
    home_from = people["care_home_from"].to_numpy().astype("datetime64[D]")
    residents = np.flatnonzero(~np.isnat(home_from) & (rng.random(len(people)) < 0.6))
    kind = people["care_home_type"].to_numpy()[residents]
    homes = _events_for(
        residents, person_fields, home_from[residents], "Service", la_code,
        Event_End_Date=np.datetime64("NaT"),
        Service_Type=np.where(kind == "nursing", "Long Term Support: Nursing Care",
                              "Long Term Support: Residential Care"),
        Service_Component=None, Delivery_Mechanism="CASSR Commissioned Support only",
        Request_Route_of_Access=None, Event_Outcome=None,
        Primary_Support_Reason="Physical Support: Personal care support",
        Accommodation_Status=np.where(kind == "nursing", "Registered nursing home",
                                      "Registered care home"),
        Employment_Status="Not in Paid Employment (not actively seeking work / retired)")
    homes["known_on"] = np.maximum(home_from[residents], start)
    # The placement ends when the resident dies (or leaves), and the closing version is delivered
    # then: open placements would keep the dead on the council's books year after year.
    gone = death[residents]
    ended = ~np.isnat(gone)
    closed = homes[ended].copy()
    closed["Event_End_Date"] = gone[ended]
    closed["Event_Outcome"] = _gone(people, residents[ended])
    closed["known_on"] = gone[ended]

    frame = pd.concat([requests, *services, homes, closed], ignore_index=True)
    frame = frame[(frame["known_on"] < end) & (frame["Event_Start_Date"] < end)]
    frame["Has_Unpaid_Carer"] = np.where(rng.random(len(frame)) < 0.4, "Yes", "No")
    frame["Date_of_Death"] = None
    period = frame["known_on"].to_numpy().astype("datetime64[M]")
    frame["Reporting_Period_Start_Date"] = period.astype("datetime64[D]")
    frame["Reporting_Period_End_Date"] = (period + 1).astype("datetime64[D]") - 1
    frame["source_system"] = "LA_CLD"
    frame = frame.sort_values(["known_on", "Event_Start_Date", "person_id"], kind="stable")
    key = frame["LA_Code"] + frame["person_id"] + frame["Event_Start_Date"].astype(str) \
        + frame["Event_Type"] + frame["Service_Type"].fillna("")
    frame.insert(1, "Der_Unique_Record_ID",
                 pd.factorize(key)[0].astype(np.int64) + 900_000_000)
    return frame.reset_index(drop=True)


def care_home_reference(rng, people: pd.DataFrame, lsoas: pd.DataFrame, cal: dict) -> pd.DataFrame:
    """CQC care-home locations for the ICS, sized to the synthetic population aged 65+."""
    ch = cal["care_homes"]
    age = (np.datetime64("2019-04-01") - people["birth_date"].to_numpy().astype("datetime64[D]"))
    older = people[(age.astype(int) / DAYS_PER_YEAR) >= 65]
    n_homes = max(4, round(len(older) * ch["beds_per_65plus"] / ch["mean_beds"]))
    lsoa = rng.choice(older["lsoa11"].to_numpy(), n_homes)
    nursing = rng.random(n_homes) < 0.45
    return pd.DataFrame({
        "cqc_location_id": [f"1-{x}" for x in rng.integers(100_000_000, 999_999_999, n_homes)],
        "location_name": [f"Synthetic Care Home {i + 1}" for i in range(n_homes)],
        "postcode": [f"NG{rng.integers(1, 25)} {rng.integers(1, 9)}{chr(65 + rng.integers(26))}"
                     f"{chr(65 + rng.integers(26))}" for _ in range(n_homes)],
        "uprn": rng.integers(10_000_000_000, 99_999_999_999, n_homes),
        "lsoa11": lsoa,
        "care_home_type": np.where(nursing, "nursing", "residential"),
        "beds": np.maximum(8, rng.normal(ch["mean_beds"], 14, n_homes).round()).astype(int),
        "specialisms": rng.choice(["dementia; older people", "older people", "learning disabilities",
                                   "mental health"], n_homes, p=[0.55, 0.3, 0.1, 0.05]),
        "latest_rating": rng.choice(["Outstanding", "Good", "Requires improvement", "Inadequate"],
                                    n_homes, p=[0.05, 0.72, 0.2, 0.03]),
        "registration_start": np.datetime64("2011-01-01")
        + rng.integers(0, 3000, n_homes).astype("timedelta64[D]"),
        "registration_end": np.datetime64("NaT"),
        "aligned_pcn_code": [f"U{x:05d}" for x in rng.integers(10000, 99999, n_homes)],
        "source_system": "CQC_DIRECTORY",
    })

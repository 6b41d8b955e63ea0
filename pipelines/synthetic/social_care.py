"""Adult social care client-level events (data_contracts/asc_cld_events.yml) and the care-home
reference (data_contracts/care_home_reference.yml).

Requests for support (many on discharge from hospital) lead to reablement (ST-Max), long-term
community support or nothing; LA-funded care-home residents have a long-term residential or
nursing service from the day they move in. Services are delivered when they start, and again with
their end date when they end (the later copy wins, as in the CLD's stacked submissions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.population import DAYS_PER_YEAR

ETHNICITY_WORDING = {"A": "White - English, Welsh, Scottish, Northern Irish or British",
                     "B": "White - Irish", "H": "Asian or Asian British - Indian",
                     "J": "Asian or Asian British - Pakistani", "N": "Black or Black British - African",
                     "M": "Black or Black British - Caribbean", None: "Not Stated"}
ACCOMMODATION = ["Owner occupier or shared ownership scheme", "Tenant",
                 "Settled mainstream housing with family / friends"]


def _events_for(rows, people, start_days, kind, cal, **columns):
    """CLD rows for `rows` (people) starting on `start_days`, with the person fields filled in."""
    birth = people["birth_date"].to_numpy()[rows].astype("datetime64[M]")
    la = np.where(people["place_code"].to_numpy()[rows] == "nottingham_city",
                  cal["la_codes"]["nottingham_city"], cal["la_codes"]["county"])
    frame = pd.DataFrame({
        "LA_Code": la,
        "person_id": people["person_id"].to_numpy()[rows],
        "Der_LA_Person_Unique_Identifier_Pseudo": ["L" + p[:12] for p in
                                                   people["person_id"].to_numpy()[rows]],
        "Der_Birth_Year": birth.astype("datetime64[Y]").astype(int) + 1970,
        "Der_Birth_Month": birth.astype(int) % 12 + 1,
        "Gender": np.where(people["sex"].to_numpy()[rows] == "2", "Female", "Male"),
        "Ethnicity": [ETHNICITY_WORDING.get(e, "Other ethnic group") for e in
                      people["ethnic_category"].to_numpy()[rows]],
        "Client_Type": "Service User",
        "Event_Type": kind,
        "Event_Start_Date": start_days.astype("datetime64[D]"),
    })
    for name, values in columns.items():
        frame[name] = values
    return frame


def social_care_extract(rng, people: pd.DataFrame, death: np.ndarray, cal: dict, start, end):
    """Rows with a ``known_on`` column (the day each version is delivered)."""
    sc = cal["social_care"]
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    age = (start - birth).astype(int) / DAYS_PER_YEAR
    years = (end - start).astype(int) / DAYS_PER_YEAR
    rate = np.where(age >= 65, sc["request_rate_65plus"],
                    np.where(age >= 18, sc["request_rate_18_64"], 0.0))
    count = rng.poisson(rate * years)
    rows = np.repeat(np.arange(len(people)), count)
    day = start + rng.integers(0, (end - start).astype(int), rows.size).astype("timedelta64[D]")
    alive = np.isnat(death[rows]) | (day < death[rows])
    rows, day = rows[alive], day[alive]
    n = rows.size
    discharge = rng.random(n) < 0.35
    older = age[rows] >= 65
    reable = older & (rng.random(n) < sc["reablement_share_of_requests_65plus"] * (1 + discharge))
    long_term = ~reable & (rng.random(n) < sc["long_term_community_share"])
    outcome = np.where(reable, "Progress to Reablement/ST-Max",
                       np.where(long_term, "Progress to Support Planning / Services",
                                "No Services Provided - Universal Services/Signposted to other services"))
    reason = np.where(~np.isnat(people["learning_disability_date"].to_numpy()[rows]),
                      "Learning Disability Support",
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
    requests = _events_for(rows, people, day, "Request", sc, Event_End_Date=day,
                           Service_Type=None, Service_Component=None, Delivery_Mechanism=None,
                           Request_Route_of_Access=np.where(discharge, "Discharge from Hospital",
                                                            "Community / Other route"),
                           Event_Outcome=outcome, **common)
    requests["known_on"] = day

    services = []
    for mask, service, weeks, component in (
            (reable, "Short Term Support: ST-Max", 6, "Reablement"),
            (long_term, "Long Term Support: Community", 80, "Home Care")):
        idx = np.flatnonzero(mask)
        begin = day[idx] + rng.integers(1, 10, idx.size)
        finish = begin + (rng.exponential(weeks, idx.size) * 7).astype(int)
        dead = death[rows[idx]]
        finish = np.where(~np.isnat(dead) & (dead < finish), dead, finish)
        mechanism = np.where(component == "Home Care",
                             np.where(rng.random(idx.size) < sc["direct_payment_share"],
                                      "Direct Payment", "CASSR Managed Personal Budget"),
                             "CASSR Commissioned Support only")
        at_home = rng.random(idx.size) < sc["home_at_91_days_share"]
        ended = np.where(~np.isnat(dead) & (dead <= finish), "NFA - Deceased",
                         np.where(at_home, "Service ended as planned",
                                  "Progress to Support Planning / Services"))
        frame = _events_for(rows[idx], people, begin, "Service", sc,
                            Event_End_Date=np.datetime64("NaT"), Service_Type=service,
                            Service_Component=component, Delivery_Mechanism=mechanism,
                            Request_Route_of_Access=None, Event_Outcome=None,
                            **{k: v[idx] for k, v in common.items()})
        frame["known_on"] = begin
        closed = frame.copy()
        closed["Event_End_Date"] = finish
        closed["Event_Outcome"] = ended
        closed["known_on"] = finish
        services += [frame, closed]

    # LA-funded care-home residents (self-funders, ~40%, are invisible to the CLD).
    home_from = people["care_home_from"].to_numpy().astype("datetime64[D]")
    residents = np.flatnonzero(~np.isnat(home_from) & (rng.random(len(people)) < 0.6))
    kind = people["care_home_type"].to_numpy()[residents]
    homes = _events_for(
        residents, people, home_from[residents], "Service", sc,
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

    frame = pd.concat([requests, *services, homes], ignore_index=True)
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

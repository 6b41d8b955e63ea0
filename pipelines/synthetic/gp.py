"""GP registrations (data_contracts/gp_registrations.yml): the whole list first, then each month's
changes: new registrations (births, people moving in, people changing practice when they move),
new addresses, and registrations closed by death, by leaving the area or by a change of practice.

Each row is a version of one registration; a later delivery of the same person x practice x start
replaces the earlier one. As in real lists, some registrations at the old practice are closed
weeks after the person registered at the new one (duplicate registrations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAT = np.datetime64("NaT")


def _registrations(people: pd.DataFrame, lives, gp: dict, rng) -> pd.DataFrame:
    """One row per registration: person row, practice, start, end (NaT if open), the day its
    end became known, and the date of death when the end is a death."""
    moves = lives.moves
    changes = moves[moves["practice_code"].notna()]
    rows = np.concatenate([np.arange(len(people)), changes["row"].to_numpy()])
    practice = np.concatenate([people["practice_code"].to_numpy(),
                               changes["practice_code"].to_numpy()])
    begin = np.concatenate([people["registration_start"].to_numpy().astype("datetime64[D]"),
                            changes["date"].to_numpy("datetime64[D]")
                            + rng.integers(0, 15, len(changes)).astype("timedelta64[D]")])
    regs = pd.DataFrame({"row": rows, "practice_code": practice, "start": begin})
    regs = regs.sort_values(["row", "start"], kind="stable").reset_index(drop=True)
    following = regs["row"].shift(-1).to_numpy() == regs["row"].to_numpy()
    next_start = regs["start"].shift(-1).to_numpy().astype("datetime64[D]")
    # Closed when the next registration starts; some old practices close it weeks later.
    late = following & (rng.random(len(regs)) < gp["duplicate_registration_share"])
    close = np.where(late, next_start + rng.integers(14, 90, len(regs)).astype("timedelta64[D]"),
                     next_start)
    row = regs["row"].to_numpy()
    death, left = lives.death[row], lives.left[row]
    lag = rng.integers(0, gp["closure_lag_days_max"] + 1, len(regs)).astype("timedelta64[D]")
    last = ~following
    never_closed = rng.random(len(regs)) < gp["share_never_closed_after_death"]
    end = np.where(following, close, np.where(
        ~np.isnat(death), np.where(never_closed, NAT, death + lag),
        np.where(~np.isnat(left), left + lag, NAT)))
    regs["end"] = end.astype("datetime64[D]")
    regs["end_known"] = np.where(following, close, np.where(~np.isnat(death), death + lag,
                                                            left + lag)).astype("datetime64[D]")
    regs["date_of_death"] = np.where(last, death, NAT).astype("datetime64[D]")
    return regs


def registration_versions(rng: np.random.Generator, people: pd.DataFrame, lives, cal: dict,
                          start: np.datetime64, end: np.datetime64) -> pd.DataFrame:
    """Registration versions with the day each becomes known (``known_on``), before ``end``."""
    from pipelines.synthetic.residence import lsoa_on

    regs = _registrations(people, lives, cal["gp_registrations"], rng)
    row = regs["row"].to_numpy()
    first_known = np.maximum(regs["start"].to_numpy(), start)
    # A version when the registration opens, one for each move of address while it is open, and
    # one when it closes.
    moves = lives.moves
    opened_at = pd.DataFrame({"i": np.arange(len(regs)), "known_on": first_known})
    moved = moves.merge(pd.DataFrame({"row": row, "i": np.arange(len(regs))}), on="row")
    inside = ((moved["date"].to_numpy("datetime64[D]") > first_known[moved["i"]])
              & ~(moved["date"].to_numpy("datetime64[D]") >= regs["end"].to_numpy()[moved["i"]]))
    moved = moved[inside][["i", "date"]].rename(columns={"date": "known_on"})
    closing = np.flatnonzero(~np.isnat(regs["end_known"].to_numpy()))
    closed_at = pd.DataFrame({"i": closing, "known_on": regs["end_known"].to_numpy()[closing],
                              "closed": True})
    versions = pd.concat([opened_at.assign(closed=False), moved.assign(closed=False), closed_at],
                         ignore_index=True)
    versions = versions[versions["known_on"] < end]
    i = versions["i"].to_numpy()
    r = row[i]
    known = versions["known_on"].to_numpy().astype("datetime64[D]")
    closed = versions["closed"].to_numpy()
    frame = pd.DataFrame({
        "person_id": people["person_id"].to_numpy()[r],
        "sex": people["sex"].to_numpy()[r],
        "birth_year_month": people["birth_date"].to_numpy().astype("datetime64[M]")
        .astype("datetime64[D]")[r],
        "ethnic_category": people["ethnic_category"].to_numpy()[r],
        "lsoa11": lsoa_on(people, moves, r, np.where(closed, known - 1, known)),
        "practice_code": regs["practice_code"].to_numpy()[i],
        "registration_start_date": regs["start"].to_numpy()[i],
        "registration_end_date": np.where(closed, regs["end"].to_numpy()[i], NAT),
        "date_of_death": np.where(closed, regs["date_of_death"].to_numpy()[i], NAT),
        "source_system": "GP_EXTRACT",
        "known_on": known,
    })
    frame = frame.sort_values(["known_on", "person_id", "registration_start_date"], kind="stable")
    # A month's file carries only the latest version of a registration that changed in it.
    month = frame["known_on"].to_numpy().astype("datetime64[M]")
    key = ["person_id", "practice_code", "registration_start_date"]
    return frame[~frame.assign(_month=month).duplicated(key + ["_month"], keep="last")]

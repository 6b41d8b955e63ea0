"""How the other services record what the GP list knows, and where it differs (calibration.yml
``recording``): people registered with the area's practices who live over its border, hospital
records carrying the address a person had before a recent move, and ethnicity recorded
differently from one service to another."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.synthetic.residence import lsoa_on

# LSOAs of the districts around the area (IMD 2019, MHCLG, Open Government Licence; built from
# the IoD2019 LSOA file: see world/README.md), with the ICS place each borders.
BORDER_LSOAS = Path(__file__).with_name("world") / "border_lsoas.csv"
ETHNIC_CATEGORIES = np.array(list("ABCDEFGHJKLMNPRS"), dtype=object)


def live_over_the_border(rng, people: pd.DataFrame, share: float) -> pd.DataFrame:
    """A share of the people of each bordering place live in a neighbouring district's LSOA (by
    population) while registered here: their LSOA and deprivation quintile are that LSOA's."""
    border = pd.read_csv(BORDER_LSOAS)
    out = people.copy()
    for place, lsoas in border.groupby("near_place"):
        rows = np.flatnonzero((out["place_code"].to_numpy() == place)
                              & (rng.random(len(out)) < share))
        weight = lsoas["pop_total_mid2015"].to_numpy(float)
        chosen = rng.choice(len(lsoas), rows.size, p=weight / weight.sum())
        out.iloc[rows, out.columns.get_loc("lsoa11")] = lsoas["lsoa11cd"].to_numpy()[chosen]
        out.iloc[rows, out.columns.get_loc("imd_quintile")] = lsoas["imd_quintile"].to_numpy()[chosen]
    return out


def recorded_lsoa(rng, people: pd.DataFrame, moves: pd.DataFrame, rows, dates,
                  spec: dict) -> np.ndarray:
    """The LSOA a hospital record carries: where the person lived, except that for a share of
    records it is the address of ``stale_address_days`` earlier (not yet updated after a move)."""
    dates = np.asarray(dates, "datetime64[D]")
    stale = rng.random(len(dates)) < spec["stale_address_share"]
    when = np.where(stale, dates - np.timedelta64(spec["stale_address_days"], "D"), dates)
    return lsoa_on(people, moves, np.asarray(rows), when).astype(object)


def recorded_ethnicity(rng, categories: np.ndarray, spec: dict) -> np.ndarray:
    """Ethnic category as another service records it: for a share, a different category (or none)."""
    out = np.asarray(categories, dtype=object).copy()
    differs = rng.random(out.size) < spec["ethnicity_differs_share"]
    other = ETHNIC_CATEGORIES[rng.integers(0, ETHNIC_CATEGORIES.size, out.size)]
    out[differs] = np.where(rng.random(out.size) < 0.3, None, other)[differs]
    return out

"""The real LSOAs of the ICS with deprivation, place and population, from the dbt reference seeds."""

from __future__ import annotations

import pandas as pd

from pipelines.config import REFERENCE_SEEDS_DIR


def ics_lsoas() -> pd.DataFrame:
    """One row per ICS LSOA: codes, LAD, place, IMD quintile and mid-2015 broad-age populations."""
    geo = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_lsoa11_geography.csv", dtype=str)
    imd = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_imd2019_lsoa11.csv", dtype={"lsoa11cd": str})
    places = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_ics_places.csv", dtype=str)
    lsoas = (
        geo[["lsoa11cd", "lad19cd"]]
        .merge(imd[["lsoa11cd", "imd_quintile", "pop_0_15_mid2015", "pop_16_59_mid2015",
                    "pop_60plus_mid2015"]], on="lsoa11cd", how="left", validate="one_to_one")
        .merge(places[["lad19cd", "place_code"]], on="lad19cd", how="left", validate="many_to_one")
    )
    if lsoas[["imd_quintile", "place_code"]].isna().any().any():
        raise ValueError("reference seeds disagree: an ICS LSOA has no IMD quintile or place")
    return lsoas.sort_values("lsoa11cd").reset_index(drop=True)

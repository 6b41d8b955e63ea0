"""The real LSOAs of the ICS with deprivation, place and population, from the generator's own
table (world/lsoas.csv, built by scripts/build_synthetic_world.py)."""

from __future__ import annotations

import pandas as pd

from pipelines.synthetic.world import WORLD_DIR


def ics_lsoas() -> pd.DataFrame:
    """One row per ICS LSOA: codes, LAD, place, IMD quintile and mid-2015 broad-age populations."""
    lsoas = pd.read_csv(WORLD_DIR / "lsoas.csv",
                        dtype={"lsoa11cd": str, "lad19cd": str, "place_code": str})
    return lsoas.sort_values("lsoa11cd").reset_index(drop=True)

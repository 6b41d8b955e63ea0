"""Rebuild the demo generator's LSOA tables, pipelines/synthetic/world/lsoas.csv (the ICS) and
border_lsoas.csv (the districts around it), from a folder of the upstream reference files (the
same downloads scripts/refresh_reference_seeds.py reads):

    python scripts/build_synthetic_world.py <folder with the downloaded reference files>

The generator keeps its own copy, apart from the dbt seeds, so that the demo world and the
indicators are two independent homes (tests/unit/test_synthetic_world.py checks they agree).
Provenance and licences: pipelines/synthetic/world/README.md.
"""

import sys
from pathlib import Path

import pandas as pd

WORLD = Path(__file__).resolve().parent.parent / "pipelines" / "synthetic" / "world"
# The districts around the ICS whose residents may register with its practices, and the ICS
# place each borders (Erewash, Amber Valley, Bolsover, Doncaster, West Lindsey, South Kesteven,
# Melton, Charnwood).
BORDER_DISTRICTS = {"E07000036": "south_notts", "E07000032": "mid_notts", "E07000033": "mid_notts",
                    "E08000017": "bassetlaw", "E07000142": "bassetlaw", "E07000141": "south_notts",
                    "E07000133": "south_notts", "E07000130": "south_notts"}
COLUMNS = ["lsoa11cd", "lad19cd", "imd_quintile", "pop_0_15_mid2015", "pop_16_59_mid2015",
           "pop_60plus_mid2015", "place_code"]


def main(reference_dir: Path) -> None:
    places = pd.read_csv(WORLD / "places.csv", dtype=str)
    geo = pd.read_csv(reference_dir / "lsoa11_geography_lookup_england.csv", dtype=str,
                      usecols=["lsoa11cd", "lad19cd"])
    imd = pd.read_csv(reference_dir / "imd2019_lsoa11_england.csv", dtype=str)
    lsoas = (geo.merge(places[["lad19cd", "place_code"]], on="lad19cd", validate="many_to_one")
             .merge(imd.drop(columns="lad19cd"), on="lsoa11cd", how="left", validate="one_to_one"))
    assert len(lsoas) == 679 and lsoas[COLUMNS].notna().all().all(), len(lsoas)
    lsoas[COLUMNS].sort_values("lsoa11cd").to_csv(WORLD / "lsoas.csv", index=False)
    border = imd[imd["lad19cd"].isin(BORDER_DISTRICTS)].assign(
        near_place=lambda f: f["lad19cd"].map(BORDER_DISTRICTS))
    border[["lsoa11cd", "lad19cd", "lad19nm", "imd_quintile", "pop_total_mid2015", "near_place"]] \
        .sort_values("lsoa11cd").to_csv(WORLD / "border_lsoas.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

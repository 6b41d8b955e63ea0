"""Rebuild the reference seeds in dbt_project/seeds/reference from a folder of the upstream files.

Run by hand when the upstream reference data changes (the pipeline itself only reads the seeds):

    python scripts/refresh_reference_seeds.py <folder with the downloaded reference files>

Provenance and licences: dbt_project/seeds/reference/ATTRIBUTION.md.
"""

import sys
from pathlib import Path

import pandas as pd

ICS_LADS = ["E06000018", "E07000170", "E07000171", "E07000172",
            "E07000173", "E07000174", "E07000175", "E07000176"]
IMD_COLUMNS = ["lsoa11cd", "lsoa11nm", "lad19cd", "lad19nm", "imd_score", "imd_rank",
               "imd_decile", "imd_quintile", "pop_total_mid2015", "pop_0_15_mid2015",
               "pop_16_59_mid2015", "pop_60plus_mid2015"]
GEOGRAPHY_COLUMNS = ["lsoa11cd", "lsoa11nm", "msoa11cd", "msoa11nm", "lad19cd", "lad19nm",
                     "icb22cd", "icb22cdh", "icb22nm"]


def main(reference_dir: Path) -> None:
    out = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "reference"
    imd = pd.read_csv(reference_dir / "imd2019_lsoa11_england.csv", dtype=str)
    imd[IMD_COLUMNS].to_csv(out / "ref_imd2019_lsoa11.csv", index=False)
    geo = pd.read_csv(reference_dir / "lsoa11_geography_lookup_england.csv", dtype=str)
    geo = geo[geo["lad19cd"].isin(ICS_LADS)][GEOGRAPHY_COLUMNS]
    assert len(geo) == 679, len(geo)
    geo.to_csv(out / "ref_lsoa11_geography.csv", index=False)
    esp = pd.read_csv(reference_dir / "esp2013_5yr_age_bands.csv", dtype=str)
    esp.to_csv(out / "ref_esp2013.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

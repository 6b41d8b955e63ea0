"""The demo extracts: deterministic, spec field names, real LSOAs in proportion to population."""

import filecmp

import duckdb
import numpy as np
import pandas as pd

from pipelines.config import REFERENCE_SEEDS_DIR
from pipelines.contracts.model import load_contracts
from pipelines.synthetic.generate import generate

TINY = {"persons": 1500, "seed": 11, "start": "2019-04", "end": "2019-09"}


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = generate(tmp_path / "a", **TINY)
    generate(tmp_path / "b", **TINY)
    for source, paths in first.files.items():
        assert paths, source
        for path in paths:
            twin = tmp_path / "b" / source / path.name
            assert filecmp.cmp(path, twin, shallow=False), path.name


def test_a_different_seed_gives_different_people(tmp_path):
    generate(tmp_path / "a", **TINY)
    generate(tmp_path / "b", **{**TINY, "seed": 12})
    name = "gp_registrations/gp_registrations_201904.csv"
    assert not filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False)


def test_files_carry_exactly_the_contract_columns(small_extracts):
    for contract in load_contracts().values():
        files = sorted((small_extracts / contract.id).glob(contract.file_pattern))
        assert len(files) == 24, contract.id  # one per month, April 2019 - March 2021
        columns = duckdb.sql(f"select * from '{files[0]}' limit 0").columns
        assert columns == contract.column_names


def test_people_live_on_the_real_ics_lsoas_in_proportion_to_population(tmp_path):
    generate(tmp_path, persons=60_000, seed=3, start="2019-04", end="2019-04")
    first = pd.read_csv(tmp_path / "gp_registrations" / "gp_registrations_201904.csv")
    ics = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_lsoa11_geography.csv")
    imd = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_imd2019_lsoa11.csv")
    assert set(first["lsoa11"].dropna()) <= set(ics["lsoa11cd"])
    assert first["lsoa11"].nunique() == 679
    population = ics.merge(imd, on="lsoa11cd").set_index("lsoa11cd")["pop_total_mid2015"]
    people = first["lsoa11"].value_counts().reindex(population.index)
    assert np.corrcoef(people, population)[0, 1] > 0.8

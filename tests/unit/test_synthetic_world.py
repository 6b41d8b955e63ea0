"""The demo generator's world (pipelines/synthetic/world) is its own: no generator module reads the
indicators' dbt seeds or vars, and where the two homes must agree (the real LSOAs, the hypertension
model A2-09 divides by) they do. The off-list codes of real feeds' mess stay off every list."""

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.config import REFERENCE_SEEDS_DIR
from pipelines.synthetic.codes import cluster_codes, code_off_list, world_codes
from pipelines.synthetic.geography import ics_lsoas
from pipelines.synthetic.world import WORLD_DIR

SYNTHETIC_DIR = Path("pipelines/synthetic")
FORBIDDEN_NAMES = {"REFERENCE_SEEDS_DIR", "DBT_PROJECT_DIR", "dbt_vars"}


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def seed_readings(source: str) -> list[str]:
    """What in `source` reaches the dbt project: the config names that point at it (imported, or
    used as an attribute) and string literals naming it. Docstrings and comments may mention it."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [alias.name for alias in node.names if alias.name in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(node.attr)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings
              and ("dbt_project" in node.value or "seeds/reference" in node.value
                   or ("ref_" in node.value and ".csv" in node.value))):
            found.append(node.value)
    return found


@pytest.mark.parametrize("source, expected", [
    ("from pipelines.config import REFERENCE_SEEDS_DIR, PROJECT_ROOT", ["REFERENCE_SEEDS_DIR"]),
    ("import pipelines.config as c\nx = c.dbt_vars()", ["dbt_vars"]),
    ("p = ROOT / 'dbt_project' / 'seeds'", ["dbt_project"]),
    ("pd.read_csv(d / 'ref_clinical_codes.csv')", ["ref_clinical_codes.csv"]),
    ('"""Unlike the dbt_project seeds, ..."""\n# read dbt_project/seeds here\nx = 1', []),
])
def test_the_seed_reading_detector_sees_imports_attributes_and_paths_not_prose(source, expected):
    assert seed_readings(source) == expected


def test_no_generator_module_reads_the_dbt_seeds_or_vars():
    modules = sorted(SYNTHETIC_DIR.rglob("*.py"))
    assert len(modules) > 10, "the scan found no generator modules"
    readings = {str(path): seed_readings(path.read_text(encoding="utf-8")) for path in modules}
    assert {path: found for path, found in readings.items() if found} == {}


def test_the_world_lsoas_agree_with_the_dbt_seeds():
    """Two independent homes of the same facts: the generator's table and the indicators' seeds."""
    geo = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_lsoa11_geography.csv", dtype=str)
    imd = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_imd2019_lsoa11.csv", dtype={"lsoa11cd": str})
    places = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_ics_places.csv", dtype=str)
    seeds = (geo[["lsoa11cd", "lad19cd"]]
             .merge(imd[["lsoa11cd", "imd_quintile", "pop_0_15_mid2015", "pop_16_59_mid2015",
                         "pop_60plus_mid2015"]], on="lsoa11cd", how="left", validate="one_to_one")
             .merge(places[["lad19cd", "place_code"]], on="lad19cd", how="left",
                    validate="many_to_one")
             .sort_values("lsoa11cd").reset_index(drop=True))
    world = ics_lsoas()
    assert len(world) == 679 and world["lsoa11cd"].is_unique
    pd.testing.assert_frame_equal(world, seeds)


def test_the_hypertension_truth_is_the_model_a2_09_divides_by():
    seed = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_expected_prevalence.csv")
    seed = seed[seed["condition"] == "hypertension"].drop(columns=["condition", "source"])
    world = pd.read_csv(WORLD_DIR / "hypertension_prevalence.csv").drop(columns="source")
    pd.testing.assert_frame_equal(world, seed.reset_index(drop=True))
    seed = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_expected_prevalence_odds.csv", dtype={"level": str})
    seed = seed[seed["condition"] == "hypertension"].drop(columns=["condition", "source"])
    world = pd.read_csv(WORLD_DIR / "hypertension_odds_ratios.csv", dtype={"level": str})
    pd.testing.assert_frame_equal(world.drop(columns="source"), seed.reset_index(drop=True))


def test_every_cluster_the_generator_names_has_codes_in_its_own_table():
    import re

    named = {cluster for path in SYNTHETIC_DIR.rglob("*.py")
             for cluster in re.findall(r"\b[A-Z][A-Z0-9]*_COD\b", path.read_text(encoding="utf-8"))}
    assert len(named) > 20, "the scan found no cluster names"
    assert sorted(named - set(cluster_codes())) == []


def test_off_list_codes_are_on_no_list_and_replace_a_small_share_of_their_concept():
    seed = set(pd.read_csv(REFERENCE_SEEDS_DIR / "ref_clinical_codes.csv")["code"])
    snomed, off_list = world_codes()["snomed"], world_codes()["off_list"]
    written = {concept["code"] for concept in snomed.values()}
    for concept, mess in off_list.items():
        assert mess["code"] not in seed | written, concept
        assert 0 < mess["share"] <= 0.03, concept

    smoker, other = snomed["smoker"]["code"], snomed["ex_smoker"]["code"]
    codes = np.array([smoker] * 50_000 + [other] * 50_000)
    out = code_off_list(np.random.default_rng(1), codes)
    assert (out[50_000:] == other).all()
    share = (out[:50_000] == off_list["smoker"]["code"]).mean()
    assert share == pytest.approx(off_list["smoker"]["share"], abs=0.003)
    assert set(out[:50_000]) == {smoker, off_list["smoker"]["code"]}


def test_off_list_draws_leave_the_generator_stream_and_its_later_children_as_they_were():
    rng, twin = np.random.default_rng(7), np.random.default_rng(7)
    code_off_list(rng, np.full(1_000, world_codes()["snomed"]["smoker"]["code"]))
    assert rng.random() == twin.random()
    assert rng.spawn(1)[0].random() == twin.spawn(1)[0].random()

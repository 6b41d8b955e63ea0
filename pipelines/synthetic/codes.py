"""The codes the demo generator writes, from its own table (world/codes.yml), never from the
indicators' code lists: a code the indicators miss, or hold wrongly, then shows as a wrong figure.

The calibration check (check.py) classifies the generated files with the same table, so it measures
what the generator meant to write.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from pipelines.synthetic.calibration import load_yaml
from pipelines.synthetic.world import WORLD_DIR
from pipelines.warehouse.connection import sql_list


@cache
def world_codes() -> dict:
    return load_yaml(WORLD_DIR / "codes.yml")


@cache
def cluster_codes() -> dict[str, list[int]]:
    """PCD cluster id → the SNOMED CT codes the generator writes for it, in table order (the first
    is the generator's default)."""
    clusters: dict[str, list[int]] = {}
    for concept in world_codes()["snomed"].values():
        clusters.setdefault(concept["cluster"], []).append(int(concept["code"]))
    return clusters


def code(cluster: str, which: int = 0) -> int:
    return cluster_codes()[cluster][which]


def register_resolutions() -> dict[str, str]:
    """Register cluster → the cluster of the code that takes a person off it (registers that are
    never resolved are left out)."""
    snomed = world_codes()["snomed"]
    return {concept["cluster"]: snomed[concept["resolved_by"]]["cluster"]
            for concept in snomed.values() if "resolved_by" in concept}


# The off-list draws' own stream, a named child of the generator's: rng.spawn would shift the
# streams that other modules spawn later, so every other file of the demo would change with it.
_OFF_LIST_STREAM = 0x6F66666C  # "offl"


def code_off_list(rng, snomed_codes: np.ndarray) -> np.ndarray:
    """Recode a share of each messy concept's records to its off-list code (world/codes.yml
    ``off_list``), as practices' unlisted, local and mistyped codes reach real extracts. The draws
    come from a child stream of `rng` that leaves `rng` and its later children as they were."""
    parent = rng.bit_generator.seed_seq
    child = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, _OFF_LIST_STREAM))
    snomed = world_codes()["snomed"]
    out = np.asarray(snomed_codes, dtype=np.int64).copy()
    draw = np.random.default_rng(child).random(out.size)
    for concept, mess in world_codes()["off_list"].items():
        out[(out == snomed[concept]["code"]) & (draw < mess["share"])] = mess["code"]
    return out


def icd10_group_sql(column: str, group_id: str) -> str:
    """SQL: the ICD-10 code in `column` (no dot) is in a range of the group: at or above the lower
    bound and, cut to the upper bound's length, at or below it (so 'I25' holds I250-I259)."""
    ranges = world_codes()["icd10_groups"].get(group_id)
    if not ranges:
        raise KeyError(f"no ICD-10 group {group_id!r} in world/codes.yml")
    return "(" + " or ".join(
        f"({column} >= '{low}' and substring({column}, 1, {len(high)}) <= '{high}')"
        for low, high in ranges) + ")"


def place_of_death_sql(pod_code: str, establishment_type: str) -> str:
    """SQL: the place of death of a civil-registration record; an unmatched code is 'other'."""
    whens = " ".join(
        f"when {pod_code} = '{row['pod_code']}' and coalesce({establishment_type}, '') = "
        f"'{row['establishment_type']}' then '{row['place']}'"
        for row in world_codes()["place_of_death"])
    return f"case {whens} else 'other' end"


def emergency_admission_sql(admission_method: str) -> str:
    """SQL: a new emergency admission: an emergency admission method that is not a transfer."""
    methods = world_codes()["admission_methods"]
    return (f"({admission_method} in ({sql_list(methods['emergency'])}) and "
            f"{admission_method} not in ({sql_list(methods['transfer'])}))")


def unplanned_ed_sql(department_type: str, attendance_category: str) -> str:
    """SQL: an unplanned ED attendance: a type 1-4 department, not a planned follow-up."""
    rule = world_codes()["unplanned_ed"]
    return (f"({department_type} in ({sql_list(rule['department_types'])}) and "
            f"{attendance_category} <> '{rule['planned_follow_up_category']}')")

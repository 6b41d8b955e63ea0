"""The project's named code groups, as the demo needs them: read from the dbt seeds and vars that
the indicators use (one home each), never retyped here.

The generator draws codes from them and the calibration check (check.py) classifies the generated
files with them, so both measure what the indicators measure.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from pipelines.config import REFERENCE_SEEDS_DIR, dbt_vars
from pipelines.warehouse.connection import sql_list


@cache
def cluster_codes() -> dict[str, list[int]]:
    """PCD cluster id → SNOMED CT codes, in seed order (the first is the generator's default)."""
    seed = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_clinical_codes.csv", dtype={"code": "int64"})
    return {cluster: list(rows["code"]) for cluster, rows in seed.groupby("cluster_id", sort=False)}


def code(cluster: str, which: int = 0) -> int:
    return cluster_codes()[cluster][which]


def icd10_group_sql(column: str, group_id: str) -> str:
    """SQL: the ICD-10 code in `column` (no dot) is in a range of seed ref_icd10_groups — the same
    test as the dbt macro icd10_in_group."""
    seed = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_icd10_groups.csv", dtype=str)
    ranges = seed[seed["group_id"] == group_id]
    if ranges.empty:
        raise KeyError(f"no ICD-10 group {group_id!r} in ref_icd10_groups.csv")
    return "(" + " or ".join(
        f"({column} >= '{low}' and substring({column}, 1, {len(high)}) <= '{high}')"
        for low, high in zip(ranges["from_code"], ranges["to_code"], strict=True)) + ")"


def place_of_death_sql(pod_code: str, establishment_type: str) -> str:
    """SQL: the place-of-death group of a civil-registration record (seed
    ref_place_of_death_types, as int_deaths_with_residence joins it; unmatched is 'other')."""
    seed = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_place_of_death_types.csv", dtype=str,
                       keep_default_na=False)
    whens = " ".join(
        f"when {pod_code} = '{row.pod_code}' and coalesce({establishment_type}, '') = "
        f"'{row.establishment_type}' then '{row.place_of_death_group}'"
        for row in seed.itertuples())
    return f"case {whens} else 'other' end"


def emergency_admission_sql(admission_method: str) -> str:
    """SQL: a new emergency admission, as macro emergency_admission says: an emergency admission
    method (var emergency_admission_methods) that is not a transfer (var transfer_admission_methods)."""
    variables = dbt_vars()
    return (f"({admission_method} in ({sql_list(variables['emergency_admission_methods'])}) and "
            f"{admission_method} not in ({sql_list(variables['transfer_admission_methods'])}))")


def unplanned_ed_sql(department_type: str, attendance_category: str) -> str:
    """SQL: an unplanned ED attendance (var unplanned_ed), as stg_ecds__attendances flags it."""
    rule = dbt_vars()["unplanned_ed"]
    return (f"({department_type} in ({sql_list(rule['department_types'])}) and "
            f"{attendance_category} <> '{rule['planned_follow_up_category']}')")

"""Clinical code lists, read from the dbt reference seed that the indicators use (one home)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from pipelines.config import REFERENCE_SEEDS_DIR


@cache
def cluster_codes() -> dict[str, list[int]]:
    """PCD cluster id → SNOMED CT codes, in seed order (the first is the generator's default)."""
    seed = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_clinical_codes.csv", dtype={"code": "int64"})
    return {cluster: list(rows["code"]) for cluster, rows in seed.groupby("cluster_id", sort=False)}


def code(cluster: str, which: int = 0) -> int:
    return cluster_codes()[cluster][which]

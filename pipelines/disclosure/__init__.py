"""Disclosure control: what may be published, decided in one place.

`control` takes every row the published schema will show (indicator values and monthly counts,
with their exact counts) and returns, per row, the status of its numerator and its denominator:
NULL (published, rounded), 'primary' or 'secondary' (withheld). The dbt models in
models/published apply it, round what is published and derive values and limits from the rounded
counts. The policy is in dbt_project.yml (`vars: disclosure`), explained in docs/disclosure.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.disclosure.policy import DisclosurePolicy, load_policy
from pipelines.disclosure.relations import KEY, count_values, find_relations
from pipelines.disclosure.suppression import PRIMARY, SECONDARY, STATUSES, primary, protect

__all__ = ["DisclosurePolicy", "KEY", "STATUSES", "control", "load_policy"]


def control(cells: pd.DataFrame, policy: DisclosurePolicy, place_of: dict[str, str],
            partition_of: dict[str, str] | None = None,
            sums_to: dict[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """KEY columns with numerator_status and denominator_status (see the module docstring), for
    the rows the policy publishes (breakdowns only for its breakdown_area_types)."""
    published = np.array([policy.publishes(a, b) for a, b in
                          zip(cells["area_type"], cells["breakdown"], strict=True)], dtype=bool)
    cells = cells[published].sort_values(KEY, kind="stable").reset_index(drop=True)  # stable ids
    first = primary(cells, policy)
    relations = find_relations(cells, place_of, partition_of or {}, sums_to or {})
    values = np.nan_to_num(count_values(cells), nan=0.0)  # a missing count is never withheld
    final = protect(values, first, relations)
    status = np.where(first, PRIMARY, np.where(final, SECONDARY, None))
    out = cells[KEY].copy()
    out["numerator_status"] = status[0::2]
    out["denominator_status"] = status[1::2]
    return out


"""The demo's calibration check classifies with the generator's own code table (world/codes.yml),
so it measures what the generator meant to write: each predicate evaluated by DuckDB on real codes."""

import duckdb
import pytest

from pipelines.synthetic.codes import (
    emergency_admission_sql,
    icd10_group_sql,
    place_of_death_sql,
    unplanned_ed_sql,
)


def _evaluate(sql: str, **columns) -> list:
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True))
    values = ", ".join("(" + ", ".join("NULL" if v is None else f"'{v}'" for v in row) + ")"
                       for row in rows)
    return [value for value, in duckdb.sql(
        f"select {sql} from (values {values}) as t({', '.join(names)})").fetchall()]


def test_chronic_acsc_uses_the_macro_range_rule():
    codes = ["J449", "I209", "F019", "Z034", "E110", "E119", "D649", "Z035", "I21"]
    assert _evaluate(icd10_group_sql("code", "acsc_chronic"), code=codes) == [
        True, True, True, True, True, False, False, False, False]


def test_an_unknown_group_is_an_error():
    with pytest.raises(KeyError, match="no_such_group"):
        icd10_group_sql("code", "no_such_group")


def test_place_of_death_groups():
    assert _evaluate(place_of_death_sql("pod", "est"),
                     pod=["H", "C", "C", "C", "E", "C"],
                     est=[None, "01", "04", "83", None, "99"]) == [
        "home", "hospital", "care_home", "hospice", "other", "other"]


def test_emergency_admission_and_unplanned_ed():
    assert _evaluate(emergency_admission_sql("method"),
                     method=["21", "2A", "2D", "11", "81", "2B"]) == [
        True, True, True, False, False, False]  # 2B: a transfer, the same emergency
    assert _evaluate(unplanned_ed_sql("dept", "cat"), dept=["01", "04", "01", "05"],
                     cat=["1", "2", "3", "1"]) == [True, True, False, False]


def test_every_cluster_the_python_code_names_has_codes_in_the_seed():
    """The dbt test code_lists_have_members guards the models, macros and vars; this guards the
    Python that classifies codes by cluster name (the generator's own table is checked in
    test_synthetic_world.py)."""
    import re
    from pathlib import Path

    import pandas as pd

    from pipelines.config import REFERENCE_SEEDS_DIR

    seed = set(pd.read_csv(REFERENCE_SEEDS_DIR / "ref_clinical_codes.csv")["cluster_id"])
    named = {cluster for path in Path("pipelines").rglob("*.py")
             for cluster in re.findall(r"\b[A-Z][A-Z0-9]*_COD\b", path.read_text(encoding="utf-8"))}
    assert named, "the scan found no cluster names"
    assert sorted(named - seed) == []

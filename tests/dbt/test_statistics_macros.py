"""The dbt statistics macros reproduce PHEindicatormethods' expected values (1e-9 relative).

The macros are rendered by real dbt (`dbt show --inline`) and evaluated by DuckDB.
"""

from pathlib import Path

import pandas as pd
import pytest

from pipelines.config import DBT_PROJECT_DIR

PHE = Path(__file__).parent.parent / "fixtures" / "phe_methods"


def dbt_show(settings, sql: str) -> pd.DataFrame:
    from dbt.cli.main import dbtRunner

    from pipelines.warehouse.dbt import _release_duckdb

    try:
        result = dbtRunner().invoke([
            "--quiet", "show", "--inline", sql, "--limit", "-1",
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(settings.dbt_artifacts_dir / "target"),
            "--log-path", str(settings.dbt_artifacts_dir / "logs"),
        ])
    finally:
        _release_duckdb()
    assert result.success, result.exception
    table = result.result.results[0].agate_table
    return pd.DataFrame([dict(zip(table.column_names, row, strict=True)) for row in table.rows])


def wilson_sql(rows: pd.DataFrame, x: str, n: str) -> str:
    values = ", ".join(f"({i}, {r[x]}, {r[n]})" for i, r in rows.iterrows())
    return f"""
        select i,
            x * 1.0 / n as value,
            {{{{ wilson_lower('x', 'n', 0.95) }}}} as lower95,
            {{{{ wilson_upper('x', 'n', 0.95) }}}} as upper95,
            {{{{ wilson_lower('x', 'n', 0.998) }}}} as lower998,
            {{{{ wilson_upper('x', 'n', 0.998) }}}} as upper998
        from (values {values}) as t(i, x, n) order by i"""


def test_wilson_matches_phe_proportion_table(ph_env):
    expected = pd.read_csv(PHE / "testdata_Proportion__testdata_Prop.csv").dropna(
        subset=["Numerator", "Denominator"])
    got = dbt_show(ph_env, wilson_sql(expected.reset_index(drop=True), "Numerator",
                                      "Denominator"))
    for i, row in expected.reset_index(drop=True).iterrows():
        m = row["multiplier"]
        for ours, theirs in (("value", "value"), ("lower95", "lower95_0cl"),
                             ("upper95", "upper95_0cl"), ("lower998", "lower99_8cl"),
                             ("upper998", "upper99_8cl")):
            assert float(got.loc[i, ours]) * m == pytest.approx(row[theirs], rel=1e-9), (i, ours)


def test_wilson_matches_phe_byars_wilson_table(ph_env):
    table = pd.read_csv(PHE / "testdata_Byars_Wilson__testdata_B_W.csv")
    expected = table[table["method"] == "Wilson"].reset_index(drop=True)
    got = dbt_show(ph_env, wilson_sql(expected, "x", "n"))
    for i, row in expected.iterrows():
        level = "95" if row["confidence"] == "95%" else "998"
        assert float(got.loc[i, f"lower{level}"]) == pytest.approx(row["lowercl"], rel=1e-9)
        assert float(got.loc[i, f"upper{level}"]) == pytest.approx(row["uppercl"], rel=1e-9)

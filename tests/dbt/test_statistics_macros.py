"""The dbt statistics macros reproduce PHEindicatormethods' expected values (1e-9 relative).

The macros are rendered by real dbt (`dbt show --inline`) and evaluated by DuckDB.
"""

from pathlib import Path

import pandas as pd
import pytest

from pipelines.config import DBT_PROJECT_DIR

PHE = Path(__file__).parent.parent / "fixtures" / "phe_methods"


@pytest.fixture(scope="module")
def dbt_env(tmp_path_factory):
    """PH_* paths shared by the module's tests, so that dbt parses the project once and re-uses
    its manifest (partial parsing) for every `dbt show` after the first."""
    from tests.conftest import point_settings_at

    # a MonkeyPatch of the module's own: the `monkeypatch` fixture lasts one test
    with pytest.MonkeyPatch.context() as mp:
        yield point_settings_at(tmp_path_factory.mktemp("statistics"), mp)


def dbt_show(settings, sql: str) -> pd.DataFrame:
    from dbt.cli.main import dbtRunner

    from pipelines.warehouse.dbt import _release_duckdb, dbt_command

    try:
        result = dbtRunner().invoke(["--quiet", *dbt_command(
            settings, ["show", "--inline", sql, "--limit", "-1"])])
    finally:
        _release_duckdb()
    assert result.success, result.exception
    table = result.result.results[0].agate_table
    return pd.DataFrame([dict(zip(table.column_names, row, strict=True)) for row in table.rows])


def assert_matches_phe_dsr_row(ours: pd.Series, row: pd.Series, rel: float = 0, abs: float = 0):
    """Our DSR row against a row of PHE's DSR table: counts exactly, value and limits within
    the tolerance, and no value where PHE gives none."""
    assert int(ours["numerator"]) == row["total_count"]
    assert int(ours["denominator"]) == row["total_pop"]
    for column, theirs in (("value", "value"), ("lower_ci95", "lower95_0cl"),
                           ("upper_ci95", "upper95_0cl"), ("lower_ci998", "lower99_8cl"),
                           ("upper_ci998", "upper99_8cl")):
        if pd.isna(row[theirs]):
            assert ours[column] is None, (row["area"], column)
        else:
            assert float(ours[column]) == pytest.approx(row[theirs], rel=rel, abs=abs), (
                row["area"], column)


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


def test_wilson_matches_phe_proportion_table(dbt_env):
    expected = pd.read_csv(PHE / "testdata_Proportion__testdata_Prop.csv").dropna(
        subset=["Numerator", "Denominator"])
    got = dbt_show(dbt_env, wilson_sql(expected.reset_index(drop=True), "Numerator",
                                      "Denominator"))
    for i, row in expected.reset_index(drop=True).iterrows():
        m = row["multiplier"]
        for ours, theirs in (("value", "value"), ("lower95", "lower95_0cl"),
                             ("upper95", "upper95_0cl"), ("lower998", "lower99_8cl"),
                             ("upper998", "upper99_8cl")):
            assert float(got.loc[i, ours]) * m == pytest.approx(row[theirs], rel=1e-9), (i, ours)


def test_wilson_matches_phe_byars_wilson_table(dbt_env):
    table = pd.read_csv(PHE / "testdata_Byars_Wilson__testdata_B_W.csv")
    expected = table[table["method"] == "Wilson"].reset_index(drop=True)
    got = dbt_show(dbt_env, wilson_sql(expected, "x", "n"))
    for i, row in expected.iterrows():
        level = "95" if row["confidence"] == "95%" else "998"
        assert float(got.loc[i, f"lower{level}"]) == pytest.approx(row["lowercl"], rel=1e-9)
        assert float(got.loc[i, f"upper{level}"]) == pytest.approx(row["uppercl"], rel=1e-9)


def test_byar_limits_match_phe_byars_wilson_table(dbt_env):
    table = pd.read_csv(PHE / "testdata_Byars_Wilson__testdata_B_W.csv")
    expected = table[table["method"] == "Byars"].reset_index(drop=True)
    values = ", ".join(f"({i}, {int(r['x'])})" for i, r in expected.iterrows())
    got = dbt_show(dbt_env, f"""
        select i,
            {{{{ byar_lower('x', 0.95) }}}} as lower95, {{{{ byar_upper('x', 0.95) }}}} as upper95,
            {{{{ byar_lower('x', 0.998) }}}} as lower998, {{{{ byar_upper('x', 0.998) }}}} as upper998
        from (values {values}) as t(i, x) order by i""")
    for i, row in expected.iterrows():
        level = "95" if row["confidence"] == "95%" else "998"
        assert float(got.loc[i, f"upper{level}"]) == pytest.approx(row["uppercl"], rel=1e-9)
        if not pd.isna(row["lowercl"]):  # PHE gives no Byar lower limit for x = 1 at 99.8%
            assert float(got.loc[i, f"lower{level}"]) == pytest.approx(row["lowercl"], rel=1e-9)


def test_crude_rates_match_phe_rate_table_exact_below_ten_byar_above(dbt_env):
    expected = pd.read_csv(PHE / "testdata_Rate__testdata_Rate.csv").iloc[:16]
    values = ", ".join(f"({i}, {int(r['Numerator'])}, {r['Denominator']}, {r['multiplier']})"
                       for i, r in expected.iterrows())
    got = dbt_show(dbt_env, f"""
        select i,
            cast(x as double) * m / n as value,
            {{{{ poisson_lower('x', 0.95) }}}} * m / n as lower95,
            {{{{ poisson_upper('x', 0.95) }}}} * m / n as upper95,
            {{{{ poisson_lower('x', 0.998) }}}} * m / n as lower998,
            {{{{ poisson_upper('x', 0.998) }}}} * m / n as upper998
        from (values {values}) as t(i, x, n, m) order by i""")
    for i, row in expected.iterrows():
        for ours, theirs in (("value", "value"), ("lower95", "lower95_0cl"),
                             ("upper95", "upper95_0cl"), ("lower998", "lower99_8cl"),
                             ("upper998", "upper99_8cl")):
            assert float(got.loc[i, ours]) == pytest.approx(row[theirs], rel=1e-9), (i, ours)


def test_dsr_with_dobson_limits_matches_phe_dsr_table(dbt_env):
    """ESP2013 weights from the project's own seed; NA (no value) below 10 events. (PHE's input
    labels the 55-59 band '55-69'; PHE adds the weights by position, we by label.)"""
    counts = pd.read_csv(PHE / "testdata_DSR_ISR__testdata_multiarea.csv")
    expected = pd.read_csv(PHE / "testdata_DSR_ISR__testresults_DSR.csv").iloc[[0, 1, 2, 4, 5, 6]]
    esp = pd.read_csv(DBT_PROJECT_DIR / "seeds" / "reference" / "ref_esp2013.csv")
    weights = dict(zip(esp["age_band"], esp["esp2013_population"], strict=True))
    values = ", ".join(f"('{r['area']}', {'null' if pd.isna(r['count']) else r['count']}, "
                       f"{r['pop']}, {weights[r['ageband'].replace('55-69', '55-59')]})"
                       for _, r in counts.iterrows())
    got = dbt_show(dbt_env, f"""
        with age_specific as (
            select area, multiplier, numerator, denominator, standard_population
            from (values {values}) as t(area, numerator, denominator, standard_population)
            cross join (values (10000.0), (100000.0)) as m(multiplier)
        )
        {{{{ dsr_rows('age_specific', ['area', 'multiplier']) }}}}
        order by area, multiplier""").set_index(["area", "multiplier"])
    for _, row in expected.iterrows():
        multiplier = 1e4 if row["statistic"].endswith("10000") else 1e5
        ours = got.loc[(row["area"], multiplier)]
        assert_matches_phe_dsr_row(ours, row, rel=1e-9)


def _nonindependent_input() -> pd.DataFrame:
    """PHE's non-independent test input as they pivot it: per area and age band, people with 1-4
    events (f1-f4; NA = none; PHE drops f4 of the dummy, small and tiny areas, all NA or 0). Our
    macros take the band's events x = sum(f * people) and squares s = sum(f^2 * people)."""
    table = pd.read_csv(PHE / "testdata_DSR_ISR__testdata_nonindepe.csv")
    # its bands are written 00-04 ... 90+ (and 55-59 as 55-69, as in the multiarea table)
    table["ageband"] = [band if band.endswith("+") else "-".join(str(int(a)) for a in
                                                                band.replace("55-69", "55-59").split("-"))
                        for band in table["ageband"]]
    people = table[["f1", "f2", "f3", "f4"]].fillna(0)
    return table.assign(x=sum(f * people[f"f{f}"] for f in range(1, 5)),
                        s=sum(f * f * people[f"f{f}"] for f in range(1, 5)))


def test_dsr_for_nonindependent_events_matches_phe_dsr_table(dbt_env):
    """calculate_dsr(independent_events = FALSE): PHE's rows 9-12 (per 100,000). PHE stores them
    rounded to 8 decimals, so they are compared to that rounding (5e-9, about 1e-12 relative)."""
    counts = _nonindependent_input()
    expected = pd.read_csv(PHE / "testdata_DSR_ISR__testresults_DSR.csv").iloc[8:12]
    esp = pd.read_csv(DBT_PROJECT_DIR / "seeds" / "reference" / "ref_esp2013.csv")
    weights = dict(zip(esp["age_band"], esp["esp2013_population"], strict=True))
    values = ", ".join(f"('{r['area']}', {r['x']}, {r['s']}, {r['pop']}, "
                       f"{weights[r['ageband']]})" for _, r in counts.iterrows())
    got = dbt_show(dbt_env, f"""
        with age_specific as (
            select *, 100000.0 as multiplier
            from (values {values}) as t(area, numerator, squares, denominator, standard_population)
        )
        {{{{ dsr_rows('age_specific', ['area'], squares_column='squares') }}}}
        order by area""").set_index("area")
    for _, row in expected.iterrows():
        ours = got.loc[row["area"]]
        assert_matches_phe_dsr_row(ours, row, abs=5e-9)  # PHE's table is rounded to 8 decimals


def test_nonindependent_crude_rate_limits_are_the_dsr_with_the_areas_own_population(dbt_env):
    """The crude-rate equivalent: a crude rate is the DSR whose standard population is the area's
    own, so its non-independent limits must be that DSR's (to 1e-15 relative)."""
    counts = _nonindependent_input()
    values = ", ".join(f"('{r['area']}', {r['x']}, {r['s']}, {r['pop']})"
                       for _, r in counts.iterrows())
    got = dbt_show(dbt_env, f"""
        with age_specific as (
            select *, denominator as standard_population, 100000.0 as multiplier
            from (values {values}) as t(area, numerator, squares, denominator)
        ),
        crude as (
            select area, sum(numerator) as o, sum(squares) as v, sum(denominator) as n
            from age_specific group by area
        ),
        standardised as ({{{{ dsr_rows('age_specific', ['area'], squares_column='squares') }}}})
        select standardised.*,
            {{{{ nonindependent_count_lower('o', 'v', 0.95) }}}} * 100000.0 / n as crude_lower95,
            {{{{ nonindependent_count_upper('o', 'v', 0.95) }}}} * 100000.0 / n as crude_upper95,
            {{{{ nonindependent_count_lower('o', 'v', 0.998) }}}} * 100000.0 / n as crude_lower998,
            {{{{ nonindependent_count_upper('o', 'v', 0.998) }}}} * 100000.0 / n as crude_upper998
        from standardised inner join crude using (area)
        where standardised.value is not null order by area""")
    assert len(got) == 3  # big, dummy and small; tiny has fewer than 10 events
    for _, row in got.iterrows():
        for level in ("95", "998"):
            for side in ("lower", "upper"):
                assert float(row[f"crude_{side}{level}"]) == pytest.approx(
                    float(row[f"{side}_ci{level}"]), rel=1e-15, abs=0), (row["area"], side, level)
    # clustering widens the limits: the big area's upper 95% limit against independent events'
    big = got.set_index("area").loc["testdata_nonind_big"]
    assert float(big["crude_upper95"]) > 895 * 1.0e5 / 8970 + 1.96 * (895 ** 0.5) * 1e5 / 8970


def test_nonindependent_limits_with_one_event_each_are_phes_rate_limits(dbt_env):
    """With one event per person (squares = events) the limits are phe_rate's, exact below 10."""
    expected = pd.read_csv(PHE / "testdata_Rate__testdata_Rate.csv").iloc[:16]
    values = ", ".join(f"({i}, {int(r['Numerator'])}, {r['Denominator']}, {r['multiplier']})"
                       for i, r in expected.iterrows())
    got = dbt_show(dbt_env, f"""
        select i,
            {{{{ nonindependent_count_lower('x', 'x', 0.95) }}}} * m / n as lower95,
            {{{{ nonindependent_count_upper('x', 'x', 0.95) }}}} * m / n as upper95,
            {{{{ nonindependent_count_lower('x', 'x', 0.998) }}}} * m / n as lower998,
            {{{{ nonindependent_count_upper('x', 'x', 0.998) }}}} * m / n as upper998
        from (values {values}) as t(i, x, n, m) order by i""")
    for i, row in expected.iterrows():
        for ours, theirs in (("lower95", "lower95_0cl"), ("upper95", "upper95_0cl"),
                             ("lower998", "lower99_8cl"), ("upper998", "upper99_8cl")):
            assert float(got.loc[i, ours]) == pytest.approx(row[theirs], rel=1e-9), (i, ours)


def test_published_nonindependent_limits_widen_the_published_counts_poisson_limits(dbt_env):
    """Published limits for repeat events (macro published_nonindependent_limit, used by
    disclosure_controlled): P + k * (P_limit - P) on the published count P, where k = sqrt(V / O)
    is recovered from the exact upper 95% limit and given to one decimal, never below 1
    (docs/disclosure.md); the lower limit is floored at 0."""
    # exact count O, sum of squares V, published count P
    cases = [(3, 5, 5), (3, 3, 5), (20, 60, 20), (12, 12, 10), (50, 51, 50), (3, 9, 5),
             (120, 400, 120)]
    values = ", ".join(f"({i}, {o}, {v}, {p})" for i, (o, v, p) in enumerate(cases))
    sides = ", ".join(
        f"{{{{ published_nonindependent_limit('{side}', 'p', 'o', 'value', 'upper95', {c}) }}}}"
        f" as published_{side}{name}, {{{{ poisson_{side}('p', {c}) }}}} as poisson_{side}{name}"
        for side in ("lower", "upper") for name, c in (("95", 0.95), ("998", 0.998)))
    got = dbt_show(dbt_env, f"""
        with exact as (
            select *, o * 100.0 / 40 as value,
                {{{{ nonindependent_count_upper('o', 'v', 0.95) }}}} * 100.0 / 40 as upper95
            from (values {values}) as t(i, o, v, p)
        )
        select i, o, v, p, {sides} from exact order by i""")
    ks = []
    for _, row in got.iterrows():
        k = max(1.0, round((row["v"] / row["o"]) ** 0.5, 1))
        ks.append(k)
        for side in ("lower", "upper"):
            for level in ("95", "998"):
                p, limit = float(row["p"]), float(row[f"poisson_{side}{level}"])
                expected = max(0.0, p + k * (limit - p))
                assert float(row[f"published_{side}{level}"]) == pytest.approx(
                    expected, rel=1e-12, abs=1e-12), (row["i"], side, level)
    assert ks == [1.3, 1.0, 1.7, 1.0, 1.0, 1.7, 1.8]
    assert float(got.loc[5, "published_lower95"]) == 0.0  # floored: 5 + 1.7 * (1.62 - 5) < 0

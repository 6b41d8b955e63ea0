"""The dbt project's SQL avoids the constructs that DuckDB and Spark read differently, silently
(issue 19: the same project on Spark must give the same figures): a lint over every model and macro,
Jinja, comments and string literals left out, so that only the SQL the engines see is judged.

Engine differences belong in dispatched macros (`adapter.dispatch`, `default__` / `duckdb__` /
`spark__` implementations), which the lint leaves alone; dbt's own cross-database macros
(`dbt.datediff`, `dbt.dateadd`, `dbt.date_trunc`, ...) are such macros, called from Jinja.

A division's divisor is either a non-zero number or wrapped in nullif(..., 0): a zero divisor is an
error on DuckDB and NULL on Spark (dbt-spark turns ANSI mode off), so a division that can meet one
must say what it gives (NULL, on both). The Python models are not SQL: they read and return pandas
on both engines (pipelines/warehouse/python_models.py), and the cross-engine build compares what
they write (tests/dbt/test_cross_engine.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.config import DBT_PROJECT_DIR

# Each trap: why the engines differ, and the pattern that finds it in engine-visible SQL.
TRAPS = {
    "log(": ("base 10 on DuckDB, natural on Spark: use ln() or a dispatched macro",
             re.compile(r"\blog\s*\(", re.I)),
    'double quotes': ('"x" is a column on DuckDB and a string on Spark: quote strings with \'',
                      re.compile(r'"')),
    "date_diff(": ("argument order and units differ: use {{ dbt.datediff(...) }}",
                   re.compile(r"\bdate_?diff\s*\(", re.I)),
    "strftime(": ("no strftime on Spark: format dates in a dispatched macro",
                  re.compile(r"\bstrftime\s*\(", re.I)),
    "* exclude(": ("no select * exclude on Spark: list the columns",
                   re.compile(r"\bexclude\s*\(", re.I)),
    "//": ("integer division is // on DuckDB and div on Spark: use a dispatched macro",
           re.compile(r"//")),
    "bare /": ("a zero divisor is an error on DuckDB and NULL on Spark: divide by nullif(x, 0) "
               "(or by a non-zero number)",
               re.compile(r"(?<!/)/(?!/)(?!\s*(?:nullif\s*\(|(?:0*[1-9][0-9]*(?:\.[0-9]+)?"
                          r"|0*\.[0-9]*[1-9][0-9]*)\b))", re.I)),
}
DISPATCHED = re.compile(r"{%-?\s*macro\s+(default|duckdb|spark)__", re.I)


def engine_sql(text: str) -> str:
    """What an engine is sent of a model or macro file, near enough for the lint: Jinja blocks,
    comments and single-quoted literals (whose content the engines agree on) removed."""
    for pattern in (r"\{#.*?#\}", r"\{\{.*?\}\}", r"\{%.*?%\}", r"/\*.*?\*/", r"--[^\n]*",
                    r"'(?:[^']|'')*'"):
        text = re.sub(pattern, " ", text, flags=re.S)
    return text


def traps_in(text: str) -> list[str]:
    """The traps found in one file's SQL (none in a file of dispatched implementations)."""
    if DISPATCHED.search(text):
        return []
    sql = engine_sql(text)
    return [name for name, (_, pattern) in TRAPS.items() if pattern.search(sql)]


def project_sql_files() -> list[Path]:
    return sorted([*DBT_PROJECT_DIR.glob("models/**/*.sql"), *DBT_PROJECT_DIR.glob("macros/**/*.sql")])


def test_no_model_or_macro_uses_sql_the_engines_read_differently():
    files = project_sql_files()
    assert len(files) > 100  # the whole project, not an empty glob
    found = {str(path.relative_to(DBT_PROJECT_DIR)): traps_in(path.read_text(encoding="utf-8"))
             for path in files}
    found = {path: traps for path, traps in found.items() if traps}
    assert found == {}, "\n".join(f"{path}: {', '.join(f'{t} ({TRAPS[t][0]})' for t in traps)}"
                                  for path, traps in found.items())


@pytest.mark.parametrize("sql, trap", [
    ("select log(value) as x from t", "log("),
    ('select * from t where sex = "2"', "double quotes"),
    ("select date_diff('day', a, b) from t", "date_diff("),
    ("select datediff(b, a) from t", "date_diff("),
    ("select strftime(d, '%Y') from t", "strftime("),
    ("select * exclude (a) from t", "* exclude("),
    ("select a // 2 from t", "//"),
    ("select a / b from t", "bare /"),
    ("select a / (b - c) from t", "bare /"),
    ("select a / 0 from t", "bare /"),
    ("select a / {{ step }} from t", "bare /"),
])
def test_a_planted_trap_is_found(sql, trap):
    assert traps_in(sql) == [trap]


@pytest.mark.parametrize("sql", [
    "select ln(value) from t",                                    # natural log on both
    "select a / nullif(b - c, 0), d / 365.25, e / 12 from t",     # divisors that cannot be 0
    "select {{ dbt.datediff('a', 'b', 'day') }} from t",          # the cross-database macro
    "select 'a \"quoted\" word' as note from t",                  # inside a string literal
    "-- log(x) in a comment\nselect 1",
    "{# date_diff( in Jinja's comment #} select 1",
    "{% macro spark__year_diff(a, b) %} datediff({{ b }}, {{ a }}) {% endmacro %}",  # dispatched
])
def test_portable_sql_passes(sql):
    assert traps_in(sql) == []

"""int_gp_status_at_year_end builds its years in batches of at most var('period_batch_rows')
registered people, each batch a branch of one UNION ALL (macro period_batches): the batches are
the years packed in order, and whatever their size the table is the same."""

import json
import re

import duckdb

from pipelines.warehouse.dbt import build_warehouse
from tests.conftest import copy_of_warehouse

MODEL = "int_gp_status_at_year_end"
# each branch ends with its people's filter, which names the branch's years
BRANCH_YEARS = re.compile(r"where people\.snapshot = 'year_end' and people\.period in \(([^)]*)\)")


def people_by_year(settings) -> list[tuple[str, int]]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute("select period, count(*) from intermediate.int_registered_population "
                           "group by period order by period").fetchall()


def status_rows(settings) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(f"select * from intermediate.{MODEL} order by all").fetchall()


def compiled_batches(settings) -> list[list[str]]:
    """The years of each branch of the model's SQL as dbt last compiled it."""
    compiled = settings.dbt_artifacts_dir / "target" / "compiled" / "pophealth" / "models" / \
        "intermediate" / f"{MODEL}.sql"
    return [re.findall(r"'([^']+)'", years) for years in BRANCH_YEARS.findall(compiled.read_text())]


def test_any_batch_size_builds_the_same_table(built_warehouse, tmp_path):
    settings, _ = built_warehouse
    people = people_by_year(settings)
    assert len(people) >= 2  # years to cut
    whole = status_rows(settings)
    years = [year for year, _ in people]
    held = dict(people)
    first_two = people[0][1] + people[1][1]
    # the rows a batch may hold -> its first batch: years are added while they fit
    for limit, first_batch in [(1, years[:1]), (first_two - 1, years[:1]),
                               (first_two, years[:2]), (10 * first_two * len(years), years)]:
        copy = copy_of_warehouse(settings, tmp_path / f"limit-{limit}")
        build_warehouse(copy, ["--select", MODEL, "--full-refresh",
                               "--vars", json.dumps({"period_batch_rows": limit})])
        batches = compiled_batches(copy)
        assert batches[0] == first_batch
        assert [year for batch in batches for year in batch] == years  # each year once, in order
        assert all(len(batch) == 1 or sum(held[year] for year in batch) <= limit
                   for batch in batches)
        assert status_rows(copy) == whole

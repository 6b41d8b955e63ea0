"""int_gp_status_at_year_end builds its years in batches of at most var('period_batch_rows')
registered people (a year holding more is a batch of its own; macro period_batches), on DuckDB a
statement each: the model's own, then its post-hook's (macro period_batch_statements). The
batches are the years packed in order, and whatever their size the table is the same. Each batch
reads only the events its years' windows can keep (macro period_batch_span): an event on a
window's edge is still read."""

import json
import re

import duckdb

from pipelines.warehouse.dbt import build_warehouse, run_dbt
from tests.conftest import copy_of_warehouse

MODEL = "int_gp_status_at_year_end"
# each branch ends with its people's filter, which names the branch's years
BRANCH_YEARS = re.compile(r"where people\.snapshot = 'year_end' and people\.period in \(([^)]*)\)")
# a batch's bound on the events of its twelve-month windows (macro period_batch_span), whatever
# its comparison: the sign that the bounds are in the SQL the test reads
BOUNDED_EVENTS = re.compile(r"where events\.event_date [<>=]+ cast\('\d{4}-\d\d-\d\d' as date\)")


def people_by_year(settings) -> list[tuple[str, int]]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute("select period, count(*) from intermediate.int_registered_population "
                           "group by period order by period").fetchall()


def status_rows(settings) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(f"select * from intermediate.{MODEL} order by all").fetchall()


def statements_sent(settings) -> list[str]:
    """The statements the last dbt invocation ran for the model (its debug log), in order."""
    log = (settings.dbt_artifacts_dir / "logs" / "dbt.log").read_text()
    last_invocation = log.split("Running with dbt=")[-1]
    # each part what dbt sent at once: the post-hook's statements are separated by semicolons
    sent = last_invocation.split(f"On model.pophealth.{MODEL}:")[1:]
    return [statement for part in sent for statement in re.split(r";\s*\n", part)]


def statements_run(settings) -> list[list[list[str]]]:
    """The statements of the model's rows that the last dbt invocation ran, each as the years of
    its UNION ALL branches."""
    return [[re.findall(r"'([^']+)'", years) for years in BRANCH_YEARS.findall(statement)]
            for statement in statements_sent(settings) if BRANCH_YEARS.search(statement)]


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
        statements = statements_run(copy)
        assert all(len(batches) == 1 for batches in statements)  # DuckDB: a statement per batch
        batches = [batch for batches in statements for batch in batches]
        assert batches[0] == first_batch
        assert [year for batch in batches for year in batch] == years  # each year once, in order
        assert all(len(batch) == 1 or sum(held[year] for year in batch) <= limit
                   for batch in batches)
        assert status_rows(copy) == whole


def test_an_incremental_build_in_batches_rebuilds_every_year_it_should(built_warehouse, tmp_path):
    """An incremental build whose years to build are several batches: the open year, and the
    first year, missing from the table (a year the table does not hold is built whatever its
    age). The open year's rows are spoilt first: only rebuilding it mends them. The post-hook
    looks the batches up after the model's own statement has run, so that statement writes no
    year: had it written the missing year, the post-hook would no longer count that year, and
    would have built one batch fewer."""
    settings, _ = built_warehouse
    whole = status_rows(settings)
    years = [year for year, _ in people_by_year(settings)]
    copy = copy_of_warehouse(settings, tmp_path / "incremental")
    with duckdb.connect(str(copy.duckdb_path)) as con:
        con.execute(f"delete from intermediate.{MODEL} where period = ?", [years[0]])
        con.execute(f"update intermediate.{MODEL} set smoking_status = null, latest_bmi = -1 "
                    "where period = ?", [years[-1]])
    run_dbt(copy, ["build", "--select", MODEL, "--vars", json.dumps({"period_batch_rows": 1})],
            duckdb_path=copy.duckdb_path)
    assert [batch for batches in statements_run(copy) for batch in batches] == \
        [[years[0]], [years[-1]]]
    assert status_rows(copy) == whole


# Events planted on the edges of the windows the model's joins keep (docs/methods.md): smoking
# status looks back five years from the year end (the day five years before is out), the BMI
# twelve months (the financial year). Each batch bounds the events it reads by the dates its
# years span (macro period_batch_span), so an edge of the first or last year of a batch is where
# a bound one day too narrow would drop an event.
EDGE_EVENTS = [  # (year: first or last, cluster, date in the year, value, column, expected)
    ("first", "LSMOK_COD", "five_years_before_end_plus_one_day", None, "smoking_status", "current"),
    ("first", "BMIVAL_COD", "period_start", 21.5, "latest_bmi", 21.5),
    ("last", "LSMOK_COD", "period_end", None, "smoking_status", "current"),
    ("last", "BMIVAL_COD", "period_end", 31.5, "latest_bmi", 31.5),
]


def plant_edge_events(settings) -> list[tuple[str, str, str, object]]:
    """One event per EDGE_EVENTS row, each for its own person registered at that year's end who
    has no event of the cluster's kind at all. Returns (period, person, column, expected)."""
    expected = []
    with duckdb.connect(str(settings.duckdb_path)) as con:
        years = con.execute(
            "select period, period_start, period_end, "
            "cast(period_end - interval 5 year as date) + 1 "
            "from intermediate.int_periods where period in "
            "(select distinct period from intermediate.int_registered_population) "
            "order by period_start").fetchall()
        taken: list[str] = []
        for n, (which, cluster, edge, value, column, result) in enumerate(EDGE_EVENTS):
            period, start, end, five_years_plus_one = years[0] if which == "first" else years[-1]
            on = {"period_start": start, "period_end": end,
                  "five_years_before_end_plus_one_day": five_years_plus_one}[edge]
            kind = ("LSMOK_COD", "EXSMOK_COD", "NSMOK_COD") if column == "smoking_status" \
                else ("BMIVAL_COD",)
            person = con.execute(
                "select min(person_id) from intermediate.int_registered_population "
                "where period = ? and person_id not in (select person_id from "
                "intermediate.int_gp_events_clustered where cluster_id in ?) "
                "and person_id not in ?", [period, list(kind), taken or [""]]).fetchone()[0]
            assert person is not None
            taken.append(person)
            con.execute(
                "insert into intermediate.int_gp_events_clustered "
                "select * replace (? as event_id, ? as person_id, ? as event_date, "
                "? as cluster_id, ? as value_numeric) "
                "from intermediate.int_gp_events_clustered where cluster_id = ? limit 1",
                [f"edge-{n}", person, on, cluster, value, cluster])
            expected.append((period, person, column, result))
    return expected


def test_an_event_on_the_edge_of_a_batchs_years_is_read(built_warehouse, tmp_path):
    settings, _ = built_warehouse
    planted = copy_of_warehouse(settings, tmp_path / "planted")
    expected = plant_edge_events(planted)
    # one batch of every year, then a batch per year: the edges of every batch's span
    for limit in [10 ** 9, 1]:
        copy = copy_of_warehouse(planted, tmp_path / f"limit-{limit}")
        build_warehouse(copy, ["--select", MODEL, "--full-refresh",
                               "--vars", json.dumps({"period_batch_rows": limit})])
        built = [statement for statement in statements_sent(copy) if BRANCH_YEARS.search(statement)]
        assert built and all(BOUNDED_EVENTS.search(statement) for statement in built)
        with duckdb.connect(str(copy.duckdb_path), read_only=True) as con:
            for period, person, column, result in expected:
                found = con.execute(f"select {column} from intermediate.{MODEL} "
                                    "where period = ? and person_id = ?", [period, person]).fetchone()
                assert found == (result,), (limit, period, column)

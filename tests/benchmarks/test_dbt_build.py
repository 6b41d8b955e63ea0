"""The dbt build benchmark (benchmarks/dbt_build.py) run whole on the 4,000-person population: a
real dbt build and its baseline, the same compiled SQL and Python models run directly in DuckDB.

The baseline calls each Python model's own function with a stand-in for dbt's API; when a model
started reading `dbt.this` (fct_inequality_summary, taking over its last build's rows) the stand-in
had no such attribute and `make bench` failed, with nothing in `make test` to say so. And when
int_gp_status_at_year_end's rows moved into its post-hook (docs/scaling.md change 23), the baseline,
which runs no hooks, built that table empty: every model must hold as many rows there as in the
build."""

from benchmarks import dbt_build


def test_the_baseline_runs_every_node_the_build_ran():
    result = dbt_build.run(persons=4_000)

    assert result["nodes"] > 200
    # every node but the project's on-run-start hook, which the baseline has no statement for
    assert result["baseline_statements"] == result["nodes"] - 1
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0
    assert result["baseline_models_differing_in_rows"] == []

"""The ``pophealth`` command line's arguments: one subparser per command, with its help."""

from __future__ import annotations

import argparse
import re

from pipelines.config import ENGINES
from pipelines.synthetic.generate import (
    DEFAULT_END,
    DEFAULT_PERSONS,
    DEFAULT_SEED,
    DEFAULT_START,
    DEFAULT_WORKERS,
    MIN_PERSONS,
)

ENGINE_HELP = ("the engine that builds the dbt project (default PH_ENGINE or duckdb; spark: "
               "docs/running-on-spark.md)")
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def month(text: str) -> str:
    """A YYYY-MM month (argparse turns the ValueError into a usage error, exit 2)."""
    if not MONTH.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month: use YYYY-MM, e.g. 2024-03")
    return text


def workers(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} workers: at least 1")
    return number


def persons(text: str) -> int:
    number = int(text.replace(",", "").replace("_", ""))
    if number < MIN_PERSONS:
        raise argparse.ArgumentTypeError(f"{number:,} is too few: the demo needs at least "
                                         f"{MIN_PERSONS:,} people for every feed to have rows")
    return number


def seed(text: str) -> int:
    number = int(text)
    if number < 0:
        raise argparse.ArgumentTypeError("the seed must be 0 or more")
    return number


def _debug_option(parser: argparse.ArgumentParser, default=False) -> None:
    parser.add_argument("--debug", action="store_true", default=default,
                        help="on an error, print the full traceback and Prefect's log of it")


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pophealth",
        description="Population health analytics pipeline for the Nottingham and Nottinghamshire "
        "ICS. Paths come from PH_DATA_DIR, PH_DUCKDB_PATH, PH_LANDING_DIR and PH_REPORTS_DIR.",
    )
    _debug_option(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo-data", help="write synthetic demo extracts to the landing folder",
                               description="Write deterministic synthetic extracts, one file per "
                               "source per month, in the format each feed arrives in.")
    demo.add_argument("--persons", type=persons, default=DEFAULT_PERSONS,
                      help=f"people alive at the start (default {DEFAULT_PERSONS:,}; "
                      "1,200,000 is the whole ICS)")
    demo.add_argument("--seed", type=seed, default=DEFAULT_SEED, help="random seed (same seed, "
                      "same files)")
    demo.add_argument("--start", type=month, default=DEFAULT_START, help="first month, YYYY-MM")
    demo.add_argument("--end", type=month, default=DEFAULT_END, help="last month, YYYY-MM")
    demo.add_argument("--workers", type=workers, default=DEFAULT_WORKERS,
                      help=f"processes simulating shards of people (default {DEFAULT_WORKERS}); "
                      "the files are the same whatever the number")
    demo.add_argument("--out", default=None, help="output folder (default: PH_LANDING_DIR)")
    demo.add_argument("--clean", action="store_true",
                      help="inject no data-quality problems (default: realistic rates, see "
                      "pipelines/synthetic/calibration.yml data_quality)")
    demo.add_argument("--check", action="store_true",
                      help="after writing, compute the main rates from the files and compare them "
                      "with the calibration targets (exit 1 if any is outside its tolerance)")

    ingest = commands.add_parser("ingest", help="validate landed files against their contracts "
                                 "and load them (or quarantine them)",
                                 description="Land every new file in the landing folder: check it "
                                 "against its data contract with Great Expectations, then load it "
                                 "into the raw schema or move it to quarantine with a report.")
    ingest.add_argument("--source", action="append", dest="sources",
                        help="only this source (repeatable); default all")

    build = commands.add_parser("build", help="dbt build: staging, marts, published, tests",
                                description="Run dbt build on a copy of the warehouse and swap it "
                                "in only when every model and test passed.")
    build.add_argument("--select", nargs="+", help="dbt node selection")
    build.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    build.add_argument("--unit-tests", action="store_true",
                       help="run dbt's unit tests too (DuckDB; `make test` runs them on both engines)")
    build.add_argument("--engine", choices=ENGINES, help=ENGINE_HELP)

    report = commands.add_parser("report", help="write the board pack from the published schema",
                                 description="Write the board pack (self-contained HTML) to "
                                 "PH_REPORTS_DIR.")
    report.add_argument("--engine", choices=ENGINES, help="read the published layer this engine "
                        "built (default PH_ENGINE or duckdb)")

    commands.add_parser("docs", help="build the dbt docs as one offline page beside the pack",
                        description="Run `dbt docs generate --static` and write model-docs.html "
                        "to PH_REPORTS_DIR, linked from the board pack.")

    refresh = commands.add_parser("refresh", help="the monthly refresh: ingest → build → report",
                                  description="Run the whole monthly refresh: land and validate "
                                  "new extracts, build the warehouse with dbt, write the board pack.")
    refresh.add_argument("--source", action="append", dest="sources",
                         help="only land this source (repeatable); default all")
    refresh.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    refresh.add_argument("--engine", choices=ENGINES, help=ENGINE_HELP)
    serve = commands.add_parser("serve", help="run the refresh on a schedule from a Prefect server",
                                description="Register the monthly refresh as a deployment with a "
                                "cron schedule on the Prefect server named by PREFECT_API_URL and "
                                "keep serving it (scheduled and manually triggered runs). "
                                "To trigger a run from another shell, `prefect deployment run "
                                "refresh/monthly-refresh` needs PREFECT_API_URL set there too.")
    serve.add_argument("--cron", default=None, help="cron schedule (default PH_REFRESH_CRON or "
                       "'0 6 3 * *', 06:00 on the 3rd of each month)")
    serve.add_argument("--timezone", default=None, help="time zone of the schedule (default "
                       "PH_REFRESH_TIMEZONE or Europe/London)")
    serve.add_argument("--source", action="append", dest="sources",
                       help="only land this source (repeatable); default all")
    serve.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    serve.add_argument("--name", default="monthly-refresh", help="deployment name")
    sources = commands.add_parser("sources", help="list the sources, or scaffold a new one",
                                  description="List the sources the pipeline knows (one per data "
                                  "contract), or scaffold a new one: see docs/adding-a-source.md.")
    source_commands = sources.add_subparsers(dest="sources_command", required=True,
                                             metavar="ACTION")
    source_commands.add_parser("list", help="each source: format, owner, files and rows loaded",
                               description="List every source with its contract facts and what "
                               "has been loaded.")
    new = source_commands.add_parser("new", help="scaffold contract, dbt source and staging "
                                     "model, and a fixture", description="Scaffold a new source: "
                                     "data_contracts/NAME.yml, dbt_project/models/staging/NAME/, "
                                     "tests/fixtures/NAME/.")
    new.add_argument("name", help="snake_case source name (landing folder and raw table)")
    new.add_argument("--format", choices=["csv", "parquet"], default="csv",
                     help="how the feed's files arrive")
    # `--debug` also after the command (`pophealth build --debug`); SUPPRESS keeps a subparser
    # from resetting the value given before the command
    for sub in [*commands.choices.values(), *source_commands.choices.values()]:
        _debug_option(sub, default=argparse.SUPPRESS)
    return parser

"""``pophealth``: the command line. Each subcommand runs the same Prefect flow a schedule would run.

Exit codes: 0 success; 1 the run failed (a quarantined extract, a failed dbt build) with the reason
printed; 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys

from pipelines.synthetic.generate import DEFAULT_END, DEFAULT_PERSONS, DEFAULT_SEED, DEFAULT_START

# Quiet, local-first Prefect defaults; an explicit environment always wins.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pophealth",
        description="Population health analytics pipeline for the Nottingham and Nottinghamshire "
        "ICS. Paths come from PH_DATA_DIR, PH_DUCKDB_PATH, PH_LANDING_DIR and PH_REPORTS_DIR.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo-data", help="write synthetic demo extracts to the landing folder",
                               description="Write deterministic synthetic extracts, one file per "
                               "source per month, in the format each feed arrives in.")
    demo.add_argument("--persons", type=int, default=DEFAULT_PERSONS,
                      help=f"people alive at the start (default {DEFAULT_PERSONS:,}; "
                      "1,200,000 is the whole ICS)")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, "
                      "same files)")
    demo.add_argument("--start", default=DEFAULT_START, help="first month, YYYY-MM")
    demo.add_argument("--end", default=DEFAULT_END, help="last month, YYYY-MM")
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

    commands.add_parser("report", help="write the board pack from the published schema",
                        description="Write the board pack (self-contained HTML) to PH_REPORTS_DIR.")

    commands.add_parser("docs", help="build the dbt docs as one offline page beside the pack",
                        description="Run `dbt docs generate --static` and write model-docs.html "
                        "to PH_REPORTS_DIR, linked from the board pack.")

    refresh = commands.add_parser("refresh", help="the monthly refresh: ingest → build → report",
                                  description="Run the whole monthly refresh: land and validate "
                                  "new extracts, build the warehouse with dbt, write the board pack.")
    refresh.add_argument("--source", action="append", dest="sources",
                         help="only land this source (repeatable); default all")
    refresh.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    serve = commands.add_parser("serve", help="run the refresh on a schedule from a Prefect server",
                                description="Register the monthly refresh as a deployment with a "
                                "cron schedule on the Prefect server named by PREFECT_API_URL and "
                                "keep serving it (scheduled and manually triggered runs).")
    serve.add_argument("--cron", default=None, help="cron schedule (default PH_REFRESH_CRON or "
                       "'0 6 3 * *', 06:00 on the 3rd of each month)")
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
    return parser


def _sources(args) -> None:
    from pipelines.sources import describe_sources, scaffold_source

    if args.sources_command == "new":
        for path in scaffold_source(args.name, args.format):
            print(f"created {path}")
        print("next: edit the contract's columns, then follow docs/adding-a-source.md")
        return
    rows = describe_sources()
    print(f"{'source':28} {'format':8} {'files':>5} {'rows':>11}  owner")
    for r in rows:
        print(f"{r['source']:28} {r['format']:8} {r['files_loaded']:5} {r['rows_loaded']:11,}  "
              f"{r['owner']}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "sources":  # no flow: a look-up and a scaffold
        try:
            _sources(args)
        except (ValueError, FileExistsError) as error:
            print(f"ERROR: {error}", file=sys.stderr)
            return 1
        return 0
    # Imported here so that `--help` stays fast (Prefect and dbt take seconds to import).
    from pipelines.flows.build import build
    from pipelines.flows.demo_data import demo_data
    from pipelines.flows.ingest import ingest
    from pipelines.flows.refresh import refresh
    from pipelines.flows.report import docs, report

    try:
        match args.command:
            case "demo-data":
                if not demo_data(out_dir=args.out, persons=args.persons, seed=args.seed,
                                 start=args.start, end=args.end, clean=args.clean,
                                 check=args.check):
                    print("ERROR: a calibration rate is outside its tolerance", file=sys.stderr)
                    return 1
            case "ingest":
                ingested = ingest(args.sources)
                for problem in ingested.problems():
                    print(f"ERROR: {problem}", file=sys.stderr)
                if ingested.failed:
                    return 1
            case "build":
                build(select=args.select, full_refresh=args.full_refresh)
            case "report":
                report()
            case "docs":
                docs()
            case "serve":
                from pipelines.flows.serve import NoServer, serve_refresh

                try:
                    serve_refresh(args.cron, args.sources, args.full_refresh, args.name)
                except NoServer as error:
                    print(f"ERROR: {error}", file=sys.stderr)
                    return 2
            case "refresh":
                state = refresh(sources=args.sources, full_refresh=args.full_refresh,
                                return_state=True)
                if state.is_failed():
                    print(f"ERROR: {state.message}", file=sys.stderr)
                    return 1
    except Exception as error:  # a clear one-line reason; the Prefect log has the details
        print(f"ERROR: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What each subcommand does once its arguments have passed their checks: run its flow (imported
here, as Prefect and dbt take seconds to import) and turn the outcome into an exit code."""

from __future__ import annotations

import argparse
import sys

from pipelines.errors import EXIT_FAILED, EXIT_OK, UsageError


def run_command(args: argparse.Namespace) -> int:
    match args.command:
        case "sources":
            return _sources(args)
        case "demo-data":
            return _demo_data(args)
        case "ingest":
            return _ingest(args)
        case "build":
            from pipelines.flows.build import build

            build(select=args.select, full_refresh=args.full_refresh, unit_tests=args.unit_tests)
        case "report":
            from pipelines.flows.report import report

            report()
        case "docs":
            from pipelines.flows.report import docs

            docs()
        case "serve":
            from pipelines.flows.serve import serve_refresh

            serve_refresh(args.cron, args.sources, args.full_refresh, args.name, args.timezone)
        case "refresh":
            return _refresh(args)
    return EXIT_OK


def _demo_data(args) -> int:
    from pipelines.flows.demo_data import demo_data

    if not demo_data(out_dir=args.out, persons=args.persons, seed=args.seed, start=args.start,
                     end=args.end, clean=args.clean, check=args.check, workers=args.workers):
        print("ERROR: a calibration target is out in at least one year (marked * above)",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _ingest(args) -> int:
    from pipelines.flows.ingest import ingest

    ingested = ingest(args.sources)
    for problem in ingested.problems():
        print(f"ERROR: {problem}", file=sys.stderr)
    return EXIT_FAILED if ingested.failed else EXIT_OK


def _refresh(args) -> int:
    from pipelines.flows.refresh import refresh

    state = refresh(sources=args.sources, full_refresh=args.full_refresh, return_state=True)
    if not state.is_failed():
        return EXIT_OK
    raised = state.result(raise_on_failure=False)
    if isinstance(raised, BaseException):
        raise raised  # the flow stopped on an exception: the boundary in main reports it
    print(f"ERROR: {state.message}", file=sys.stderr)
    return EXIT_FAILED


def _sources(args) -> int:
    from pipelines.sources import describe_sources, scaffold_source

    if args.sources_command == "new":
        try:
            created = scaffold_source(args.name, args.format)
        except (ValueError, FileExistsError) as error:
            raise UsageError(str(error)) from None
        for path in created:
            print(f"created {path}")
        print("next: edit the contract's columns, then follow docs/adding-a-source.md")
        return EXIT_OK
    listing = describe_sources()
    if listing.note:
        print(listing.note)
    print(f"{'source':28} {'format':8} {'loaded':>6} {'rows':>11} {'quarantined':>11}  owner")
    for r in listing.sources:
        print(f"{r.source:28} {r.format:8} {_count(r.files_loaded):>6} {_count(r.rows_loaded):>11} "
              f"{_count(r.files_quarantined):>11}  {r.owner}")
    return EXIT_OK


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


"""``pophealth``: the command line. Each subcommand runs the same Prefect flow a schedule would run.

One error boundary (``main``): arguments and paths are checked before any flow starts
(``checks.py``); a ``PipelineError`` is printed as one ``ERROR:`` line and ends the command with its
exit code; anything else is printed as one line too, with the hint to rerun with ``--debug`` for the
traceback. Exit codes (``pipelines/errors.py``): 0 success; 1 the run failed; 2 a usage or path
error; 3 the warehouse is busy.
"""

from __future__ import annotations

import os
import sys
import traceback

from pipelines.cli.arguments import parser
from pipelines.cli.checks import check_command
from pipelines.cli.commands import run_command
from pipelines.cli.tracebacks import hide_tracebacks
from pipelines.errors import EXIT_FAILED, PipelineError

# Quiet, local-first Prefect defaults; an explicit environment always wins.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

INTERRUPTED = 130  # the shell's code for Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # a usage error exits 2 here, with the usage line
    debug = args.debug
    if getattr(args, "engine", None):  # --engine: the settings (and the flows) read PH_ENGINE
        os.environ["PH_ENGINE"] = args.engine
    try:
        from pipelines.config import load_settings

        check_command(args, load_settings())  # before Prefect is even imported
        if not debug:
            hide_tracebacks()
        return run_command(args)
    except PipelineError as error:
        if debug:
            traceback.print_exc()
        print(f"ERROR: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrupted: work in progress was not committed (the warehouse keeps its last good "
              "state).", file=sys.stderr)
        return INTERRUPTED
    except Exception as error:  # a bug, or a failure nobody foresaw: one line, details on request
        if debug:
            traceback.print_exc()
        first = (str(error).strip().splitlines() or [""])[0]
        print(f"ERROR: {type(error).__name__}: {first}"
              + ("" if debug else " (run the command again with --debug for the details)"),
              file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())

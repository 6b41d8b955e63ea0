"""Entry point for schedulers and `python flows.py`: the same as `pophealth refresh`.

    python flows.py              # the monthly refresh
    python flows.py report       # any other pophealth subcommand
"""

import sys

from pipelines.cli import main
from pipelines.flows.build import build
from pipelines.flows.demo_data import demo_data
from pipelines.flows.ingest import ingest
from pipelines.flows.refresh import refresh
from pipelines.flows.report import report

__all__ = ["build", "demo_data", "ingest", "refresh", "report"]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["refresh"]))

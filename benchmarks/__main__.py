"""`python -m benchmarks [NAME ...]` (or `make bench`): run the benchmarks, print and save results."""

import argparse
import json
from pathlib import Path

from benchmarks import dbt_build, generator, ingest, refresh_month

BENCHMARKS = {"generator": generator.run, "ingest": ingest.run, "dbt_build": dbt_build.run,
              "refresh_month": refresh_month.run}
RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(BENCHMARKS)} (default all)")
    parser.add_argument("--persons", type=int, default=1_200_000, help="synthetic people")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    for name in args.names or BENCHMARKS:
        result = BENCHMARKS[name](persons=args.persons)
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

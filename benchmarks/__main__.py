"""`python -m benchmarks [NAME ...]` (or `make bench`): run the benchmarks, print and save results."""

import argparse
import json
from functools import partial
from pathlib import Path

from benchmarks import dbt_build, generator, ingest, refresh_month, scale

BENCHMARKS = {"generator": generator.run, "ingest": ingest.run, "dbt_build": dbt_build.run,
              "refresh_month": refresh_month.run, "scale": scale.run}
RESULTS = Path(__file__).parent / "results"
PERSONS = 1_200_000  # the whole ICS: the other benchmarks' size when --persons is not given


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(BENCHMARKS)} (default all)")
    parser.add_argument("--persons", type=int,
                        help=f"synthetic people (default {PERSONS:,}); for scale, the largest size, "
                             "run after the baseline and 3× it if it is larger than that")
    parser.add_argument("--baseline-persons", type=int, default=scale.BASELINE_PERSONS,
                        help="scale: the smallest size, which the others are compared with "
                             f"(default {scale.BASELINE_PERSONS:,})")
    parser.add_argument("--workdir", type=Path,
                        help="scale: where each size's data is made (default the system temp folder)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    runners = {**BENCHMARKS, "scale": partial(scale.run, baseline_persons=args.baseline_persons,
                                              workdir=args.workdir, plot_path=RESULTS / "scale.svg")}
    for name in args.names or BENCHMARKS:
        persons = args.persons if name == "scale" else args.persons or PERSONS
        try:
            result = runners[name](persons=persons)
        except scale.NotEnoughDisk as refused:
            raise SystemExit(str(refused)) from None
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

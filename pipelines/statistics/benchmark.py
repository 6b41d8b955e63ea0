"""A local value compared with a benchmark (England) by its confidence limits, as Fingertips
compares an area with England.

Mirrors Fingertips' "single overlapping confidence intervals" comparators (fingertips-open
PholioVisualisationWS/Analysis/SingleOverlappingCIsForOneCILevelComparer.cs and ...TwoCILevels...):
the benchmark is one value (England's own limits are not used); the local value is "Similar" when
the benchmark lies within its 95% limits (a limit equal to the benchmark counts as within), and
otherwise above or below it. With 99.8% limits as well, a difference is graded: outside the 95%
limits only, or outside the 99.8% limits too. The words follow the polarity (SignificanceFormatter):
"Better" / "Similar" / "Worse" for an indicator where higher or lower is better, "Higher" /
"Similar" / "Lower" for one with no polarity, "Not compared" when the value, its limits or the
benchmark is missing.

Departure: Fingertips compares some proportions and DSRs with England by control limits around the
England value ("SPC for proportions / DSRs"); here every indicator is compared by its own limits,
the method Fingertips uses for most indicators and the one our published limits support.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipelines.statistics.spc import direction_for

# The confidence levels Fingertips compares at, the lower first
LEVELS = (0.95, 0.998)

BETTER, SIMILAR, WORSE = "Better", "Similar", "Worse"
HIGHER, LOWER = "Higher", "Lower"
NOT_COMPARED = "Not compared"


@dataclass(frozen=True)
class Comparison:
    label: str  # BETTER, SIMILAR, WORSE, HIGHER, LOWER or NOT_COMPARED
    # the highest of LEVELS at which the value differs from the benchmark; None when similar or
    # not compared
    level: float | None = None


def compare_with_benchmark(value: float | None, limits_95: tuple[float | None, float | None],
                           benchmark: float | None, polarity: str,
                           limits_998: tuple[float | None, float | None] | None = None) -> Comparison:
    """Compare a local value, with its 95% (and optionally 99.8%) limits, with a benchmark value.
    `polarity` is the indicator metadata's (higher_is_better, lower_is_better, not_applicable)."""
    levels = [(LEVELS[0], limits_95)] + ([(LEVELS[1], limits_998)] if limits_998 is not None else [])
    numbers = [value, benchmark, *(limit for _, pair in levels for limit in pair)]
    if any(n is None or not math.isfinite(n) for n in numbers):
        return Comparison(NOT_COMPARED)
    differs_at = None
    for level, (lower, upper) in levels:
        if lower <= benchmark <= upper:
            break
        differs_at = level
    if differs_at is None:
        return Comparison(SIMILAR)
    higher = value > benchmark
    direction = direction_for(polarity)
    if direction == "neutral":
        return Comparison(HIGHER if higher else LOWER, differs_at)
    return Comparison(BETTER if higher == (direction == "increase") else WORSE, differs_at)

"""Comparison with England by confidence limits, as Fingertips compares
(pipelines/statistics/benchmark.py)."""

import math

import pytest

from pipelines.statistics.benchmark import (
    BETTER,
    HIGHER,
    LOWER,
    NOT_COMPARED,
    SIMILAR,
    WORSE,
    Comparison,
    compare_with_benchmark,
)

# a local value of 20 with 95% limits 18-22 and 99.8% limits 17-23
LOCAL = dict(value=20.0, limits_95=(18.0, 22.0), limits_998=(17.0, 23.0))


@pytest.mark.parametrize(("england", "polarity", "expected"), [
    (25.0, "lower_is_better", Comparison(BETTER, 0.998)),   # England above both upper limits
    (22.5, "lower_is_better", Comparison(BETTER, 0.95)),    # between the 95% and 99.8% limits
    (21.0, "lower_is_better", Comparison(SIMILAR)),
    (17.5, "lower_is_better", Comparison(WORSE, 0.95)),
    (10.0, "lower_is_better", Comparison(WORSE, 0.998)),
    (25.0, "higher_is_better", Comparison(WORSE, 0.998)),
    (17.5, "higher_is_better", Comparison(BETTER, 0.95)),
    (25.0, "not_applicable", Comparison(LOWER, 0.998)),
    (10.0, "not_applicable", Comparison(HIGHER, 0.998)),
    (19.0, "not_applicable", Comparison(SIMILAR)),
])
def test_two_levels(england, polarity, expected):
    assert compare_with_benchmark(benchmark=england, polarity=polarity, **LOCAL) == expected


@pytest.mark.parametrize("england", [18.0, 22.0])
def test_a_benchmark_on_a_limit_is_similar(england):
    # Fingertips: val <= UpperCI95 && val >= LowerCI95
    assert compare_with_benchmark(20.0, (18.0, 22.0), england, "lower_is_better").label == SIMILAR


def test_one_level_grades_every_difference_at_95_percent():
    result = compare_with_benchmark(20.0, (18.0, 22.0), 30.0, "higher_is_better")
    assert result == Comparison(WORSE, 0.95)


@pytest.mark.parametrize("arguments", [
    dict(value=None, limits_95=(18.0, 22.0), benchmark=25.0),
    dict(value=20.0, limits_95=(18.0, 22.0), benchmark=None),
    dict(value=20.0, limits_95=(None, 22.0), benchmark=25.0),
    dict(value=20.0, limits_95=(18.0, 22.0), benchmark=math.nan),
    dict(value=20.0, limits_95=(18.0, 22.0), benchmark=25.0, limits_998=(None, None)),
])
def test_missing_anything_is_not_compared(arguments):
    assert compare_with_benchmark(polarity="lower_is_better", **arguments) == Comparison(NOT_COMPARED)

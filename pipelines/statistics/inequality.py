"""Slope and Relative Index of Inequality with confidence limits by simulation
(docs/methods.md#inequality-measures).

`sii` is PHEindicatormethods' phe_sii, tested against its expected values:
- groups ordered from most deprived (quantile 1) to least; each group's share of the population
  `a` and the midpoint of its cumulative rank `b` (0 = most deprived end, 1 = least deprived end);
- value_type 1 (rate) or 2 (proportion, 0-1): each group's standard error is taken on the log or
  logit scale, (upper - lower) / (2 * 1.96) of its transformed 95% limits, and its value drawn
  there (value_type 0: on the value's own scale);
- the weighted least-squares line y = intercept + slope * b (weights a) with y the value
  (transform=False) or its log / logit (transform=True, PHE's recommendation for rates and
  proportions: it makes the relation to rank more nearly linear);
- SII = multiplier * (Y(1) - Y(0)) and RII = Y(1) / Y(0), the modelled values at the two ends
  (back-transformed); a negative multiplier reverses the direction: SII changes sign and RII is
  inverted, so that both compare the most deprived end with the least;
- limits: each group's value drawn from a normal with its standard error, the line refitted,
  the quantiles of the draws taken. With a transform, PHE centres the simulated slope's limits on
  the fitted line's midpoint and back-transforms the two ends.

The project's convention (`inequality_summary`; one for gap, ratio, SII and RII everywhere):
**most deprived compared with least deprived** - gap = Q1 - Q5, ratio = Q1 / Q5, SII = modelled
most deprived end minus least deprived end, RII = most deprived end / least deprived end (phe_sii
with a negative multiplier). A positive gap or SII, a ratio or RII above 1, means the value is
higher in more deprived areas; whether that is worse depends on the indicator's polarity.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Z95 = 1.959963984540054
# RII limits are left empty when more than this share of the draws has an end at or below zero:
# the ratio of two near-zero values is then too unstable to summarise (tiny cells).
UNSTABLE_RII_SHARE = 0.01
# phe_sii's value_type and transform for each of our value types: rates (and ratios of observed
# to expected) on the log scale, proportions on the logit scale, as PHE recommends
PHE_VALUE_TYPE = {"proportion": 2, "crude_rate": 1, "dsr": 1, "ratio": 1}

# Why an SII is withheld (column sii_withheld; docs/methods.md#inequality-measures)
QUINTILE_MISSING = "quintile_missing"            # a quintile has no residents in the area
QUINTILE_UNVALUED = "quintile_unvalued"          # a quintile's value or limits are withheld
QUINTILE_SMALL = "quintile_small"                # a quintile holds too little of the denominator
TRANSFORM_UNDEFINED = "transform_undefined"      # a quintile at 0 (or 100%): no log or logit
LIMIT_FLOORED = "limit_floored"                  # a quintile's limit at 0 (or 100%): no standard error
WITHHELD_REASONS = {
    QUINTILE_MISSING: "a deprivation quintile has no residents in the area",
    QUINTILE_UNVALUED: "a deprivation quintile has no value (withheld for small numbers)",
    QUINTILE_SMALL: "a national deprivation quintile holds too small a share of the "
                    "indicator's denominator in the area (its people, resident-years or "
                    "decedents) for a stable slope",
    TRANSFORM_UNDEFINED: "a deprivation quintile has no events (or only events), so the log or "
                         "logit of its value is undefined",
    LIMIT_FLOORED: "a deprivation quintile's lower confidence limit is floored at 0 although it "
                   "has events (repeat events clustered in a few people), so the standard error "
                   "of its log value, taken from its limits as PHE does, is undefined",
}


@dataclass(frozen=True)
class InequalityResult:
    sii: float
    rii: float
    intercept: float  # the modelled value at the most deprived end (b = 0), times |multiplier|
    sii_limits: dict[float, tuple[float, float]]  # confidence -> (lower, upper)
    rii_limits: dict[float, tuple[float, float]]


def _logit(p):
    return np.log(p / (1 - p))


def _expit(y):
    return np.exp(y) / (1 + np.exp(y))


_FORWARD = {0: lambda v: v, 1: np.log, 2: _logit}
_BACK = {0: lambda v: v, 1: np.exp, 2: _expit}


def _ranks(populations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    shares = populations / populations.sum()
    return shares, np.cumsum(shares) - shares / 2


def _fit(values: np.ndarray, shares: np.ndarray, midpoints: np.ndarray):
    """Weighted least squares of values (..., k) on midpoints: (intercept, slope), vectorised."""
    b_mean = shares @ midpoints
    y_mean = values @ shares
    slope = ((values - y_mean[..., None]) * shares * (midpoints - b_mean)).sum(-1) \
        / (shares * (midpoints - b_mean) ** 2).sum()
    return y_mean - slope * b_mean, slope


def sii(values, populations, lower_95, upper_95, *, value_type: int = 0, transform: bool = False,
        multiplier: float = 1.0, confidence: tuple[float, ...] = (0.95,),
        repetitions: int = 10_000, seed: int = 1) -> InequalityResult:
    """values, populations and 95% limits per group, ordered from quantile 1 (most deprived);
    proportions (value_type 2) as fractions of 1."""
    if transform and value_type == 0:
        raise ValueError("transform needs value_type 1 (rate) or 2 (proportion)")
    forward, back = _FORWARD[value_type], _BACK[value_type]
    values = forward(np.asarray(values, float))
    se = (forward(np.asarray(upper_95, float)) - forward(np.asarray(lower_95, float))) / (2 * Z95)
    shares, midpoints = _ranks(np.asarray(populations, float))
    scale = (lambda v: v) if transform else back  # the scale the line is fitted on
    intercept, slope = _fit(scale(values), shares, midpoints)
    draws = np.random.default_rng(seed).normal(values, se, size=(repetitions, values.size))
    sim_intercept, sim_slope = _fit(scale(draws), shares, midpoints)
    tails = {level: [(1 - level) / 2, 1 - (1 - level) / 2] for level in confidence}
    if transform:
        return _transformed(intercept, slope, sim_slope, back, multiplier, tails)

    def ratio(a, s):
        ends = (a + s, a) if multiplier > 0 else (a, a + s)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = ends[0] / ends[1]
        return np.where((ends[0] > 0) & (ends[1] > 0), ratios, np.nan)

    point_rii = float(ratio(intercept, slope))
    sii_limits, rii_limits = {}, {}
    for level, quantiles in tails.items():
        low, high = np.quantile(sim_slope * multiplier, quantiles)
        sii_limits[level] = (float(low), float(high))
        ratios = ratio(sim_intercept, sim_slope)
        stable = np.isfinite(point_rii) and np.isnan(ratios).mean() <= UNSTABLE_RII_SHARE
        low, high = np.nanquantile(ratios, quantiles) if stable else (np.nan, np.nan)
        rii_limits[level] = (float(low), float(high))
    return InequalityResult(float(slope * multiplier), point_rii,
                            float(intercept * abs(multiplier)), sii_limits, rii_limits)


def _transformed(intercept, slope, sim_slope, back, multiplier, tails) -> InequalityResult:
    """phe_sii with transform = TRUE: the line is on the log (logit) scale; SII and RII compare
    its back-transformed ends. The limits take the simulated slope's quantiles, centre each on the
    fitted line's midpoint (b = 1/2) and back-transform its ends, as PHE does. (PHE tests
    `multiplier < 1` for rates and `< 0` for proportions; we use < 0 for both, the same for any
    multiplier we pass: -1 or below, or 1 and above.)"""
    reverse = multiplier < 0
    middle = (intercept + (intercept + slope)) / 2  # as PHE: the line at b = 1/2

    def measures(at_0, at_1):  # from the line's ends at b = 0 and b = 1, transformed
        at_0, at_1 = back(at_0), back(at_1)
        return (at_1 - at_0) * multiplier, (at_0 / at_1 if reverse else at_1 / at_0)

    point_sii, point_rii = measures(intercept, intercept + slope)
    sii_limits, rii_limits = {}, {}
    for level, quantiles in tails.items():
        low, high = np.quantile(sim_slope, quantiles)
        (sii_low, rii_low), (sii_high, rii_high) = (measures(middle - low / 2, middle + low / 2),
                                                    measures(middle - high / 2, middle + high / 2))
        if reverse:  # the steeper slope is now the lower SII
            (sii_low, rii_low), (sii_high, rii_high) = (sii_high, rii_high), (sii_low, rii_low)
        sii_limits[level] = (float(sii_low), float(sii_high))
        rii_limits[level] = (float(rii_low), float(rii_high))
    return InequalityResult(float(point_sii), float(point_rii),
                            float(back(intercept) * abs(multiplier)), sii_limits, rii_limits)


def stable_seed(*key: object) -> int:
    """The same seed for the same group on every run, so that rebuilt tables are identical."""
    return zlib.crc32("|".join(map(str, key)).encode())


MEASURE_COLUMNS = ["sii", "sii_lower_ci95", "sii_upper_ci95", "rii", "rii_lower_ci95",
                   "rii_upper_ci95", "q1_value", "q5_value", "gap_q1_q5", "ratio_q1_q5",
                   "core20_share", "core20_population_share"]
SUMMARY_COLUMNS = (["indicator_id", "period", "area_type", "area_code"] + MEASURE_COLUMNS
                   + ["sii_withheld", "value_type", "input_digest"])


def inequality_summary(values, repetitions: int = 10_000, min_quintile_share: float = 0.0,
                       previous=None):
    """Per indicator, period and area with a quintile breakdown: SII and RII with simulated 95%
    limits (most deprived compared with least, see the module docstring), the Q1 and Q5 values,
    their gap (Q1 - Q5) and ratio (Q1 / Q5), and the Core20 share: Q1's share of the numerator
    (events, people) and of the denominator (population).

    The SII and RII are withheld, with the reason in sii_withheld (WITHHELD_REASONS), unless all
    five quintiles are valued, each holds at least `min_quintile_share` of the indicator's
    denominator summed over the area's five quintiles (people, resident-years, decedents...:
    national quintiles can be very unevenly spread within a small area, and a slope through a
    near-empty quintile is unstable), and the log or logit of every quintile's value and of its
    95% limits is defined (the limits give its standard error).

    `values` is marts.fct_indicator_values as a pandas frame; returns a frame of SUMMARY_COLUMNS.
    `previous`: a summary this function returned before (or None). Its row of a group whose cells
    and method are unchanged (the same input_digest, below) is taken as it is instead of being
    simulated again: the result is the same, as each group's draws come from its own seed, and a
    monthly refresh changes the cells of a few periods only.
    """
    import pandas as pd

    key = ["indicator_id", "period", "area_type", "area_code"]
    wanted = values[values["breakdown"].isin(["all", "imd_quintile"])]
    # only the groups with a quintile breakdown have a summary
    quintile_rows = (wanted["breakdown"] == "imd_quintile") & wanted["breakdown_value"].isin(list("12345"))
    with_quintiles = wanted.loc[quintile_rows, key].drop_duplicates()
    wanted = wanted.merge(with_quintiles, on=key)
    digests = _input_digests(_method_digest(repetitions, min_quintile_share), wanted, key)
    earlier = {} if previous is None or "input_digest" not in previous.columns else {
        tuple(row[k] for k in key): row for row in previous.to_dict("records")}
    kept = {group for group, digest in digests.items()
            if group in earlier and earlier[group]["input_digest"] == digest}
    # plain dicts of the groups to compute, far quicker than pandas per group
    groups: dict[tuple, dict[str, dict]] = {}
    computed = ~pd.Series(list(zip(*(wanted[k] for k in key), strict=True)),
                          index=wanted.index).isin(kept)
    for cell in wanted[computed].to_dict("records"):
        groups.setdefault(tuple(cell[k] for k in key), {})[cell["breakdown_value"]] = cell
    rows = []
    for group in sorted(digests):
        if group in kept:
            rows.append(earlier[group])
            continue
        cells = groups[group]
        quintiles = [cells.get(q) for q in "12345"]
        digest = digests[group]
        q1, q5, total = quintiles[0], quintiles[4], cells.get("All")
        row = dict(zip(key, group, strict=True),
                   value_type=next(c["value_type"] for c in cells.values()), input_digest=digest)
        row["q1_value"] = _number(q1, "value")
        row["q5_value"] = _number(q5, "value")
        row["sii_withheld"] = _withheld(quintiles, row["value_type"], min_quintile_share)
        if row["sii_withheld"] is None:
            m = float(quintiles[0]["multiplier"])
            result = sii(*([c[f] / (m if f != "denominator" else 1) for c in quintiles]
                           for f in ("value", "denominator", "lower_ci95", "upper_ci95")),
                         value_type=PHE_VALUE_TYPE[row["value_type"]], transform=True,
                         multiplier=-m, repetitions=repetitions, seed=stable_seed(*group))
            row |= {"sii": result.sii, "sii_lower_ci95": result.sii_limits[0.95][0],
                    "sii_upper_ci95": result.sii_limits[0.95][1], "rii": result.rii,
                    "rii_lower_ci95": result.rii_limits[0.95][0],
                    "rii_upper_ci95": result.rii_limits[0.95][1]}
        if row["q1_value"] is not None and row["q5_value"] is not None:
            row["gap_q1_q5"] = row["q1_value"] - row["q5_value"]
            row["ratio_q1_q5"] = row["q1_value"] / row["q5_value"] if row["q5_value"] else None
        if total is not None and q1 is not None:
            row["core20_share"] = q1["numerator"] / total["numerator"] if total["numerator"] else None
            row["core20_population_share"] = (q1["denominator"] / total["denominator"]
                                              if total["denominator"] else None)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for column in MEASURE_COLUMNS:
        frame[column] = frame[column].astype("float64")
    for column in ("sii_withheld", "input_digest"):
        frame[column] = frame[column].astype("string")
    return frame


def _method_digest(repetitions: int, min_quintile_share: float) -> str:
    """What decides a group's summary besides its cells: this module's code (every function and
    constant it uses is here), NumPy's (its generator's stream may change between versions) and
    pandas', and the two parameters."""
    import pandas as pd

    source = Path(__file__).read_bytes()
    return hashlib.sha256(source + repr((np.__version__, pd.__version__, repetitions,
                                         float(min_quintile_share))).encode()).hexdigest()


def _input_digests(method: str, cells, key: list[str]) -> dict[tuple, str]:
    """Each group's cells (every column of its 'All' and quintile rows: floats by their bits, the
    columns' names and types too) and the method, as one SHA-256 per group (`key`): equal only
    when the summary would be computed from the same inputs in the same way. Each row is hashed by
    pandas (hash_pandas_object, whose output is fixed for a pandas version, which is in the
    method), the rows of a group in breakdown order: a Python loop over every value was most of a
    monthly refresh's time in this model."""
    import pandas as pd

    columns = sorted(cells.columns)
    ordered = cells.sort_values([*key, "breakdown_value"], kind="stable")
    row_hashes = pd.util.hash_pandas_object(ordered[columns], index=False).to_numpy()
    group_keys = list(zip(*(ordered[k] for k in key), strict=True))
    starts = [at for at in range(len(group_keys)) if at == 0 or group_keys[at] != group_keys[at - 1]]
    schema = hashlib.sha256(method.encode())
    schema.update(repr([(column, str(ordered[column].dtype)) for column in columns]).encode())
    digests = {}
    for start, end in zip(starts, [*starts[1:], len(group_keys)], strict=True):
        digest = schema.copy()
        digest.update(row_hashes[start:end].tobytes())
        digests[group_keys[start]] = digest.hexdigest()
    return digests


def _withheld(quintiles: list[dict | None], value_type: str, min_share: float) -> str | None:
    """Why no SII can be given for these five quintile cells, or None."""
    if any(c is None or not c["denominator"] for c in quintiles):
        return QUINTILE_MISSING
    if any(_number(c, f) is None for c in quintiles for f in ("value", "lower_ci95", "upper_ci95")):
        return QUINTILE_UNVALUED
    # the share of the indicator's denominator (not necessarily of the area's population)
    total = sum(float(c["denominator"]) for c in quintiles)
    if any(float(c["denominator"]) < min_share * total for c in quintiles):
        return QUINTILE_SMALL
    whole = float(quintiles[0]["multiplier"])  # 100% of a proportion

    def at_edge(value: float, upper_edge: bool) -> bool:  # no log (logit) at 0 (or 100%)
        return value <= 0 or (upper_edge and value_type == "proportion" and value >= whole)

    if any(at_edge(c["value"], True) for c in quintiles):
        return TRANSFORM_UNDEFINED
    # A quintile with events whose lower limit is still 0: repeat events clustered in a few people
    # (limits for non-independent events are floored at 0, macro nonindependent_count_lower).
    # PHE's standard error is the width of the limits on the log scale, infinite here; the upper
    # half alone would understate it (such limits are far from symmetric on the log scale).
    if any(at_edge(c["lower_ci95"], False) or at_edge(c["upper_ci95"], True) for c in quintiles):
        return LIMIT_FLOORED
    return None


def _number(cell: dict | None, field: str) -> float | None:
    value = None if cell is None else cell[field]
    return None if value is None or value != value else float(value)  # NaN -> None

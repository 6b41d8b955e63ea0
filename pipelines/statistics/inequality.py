"""Slope and Relative Index of Inequality with confidence limits by simulation
(docs/methods.md#confidence-limits).

Follows PHEindicatormethods' phe_sii (default: no transform), tested against its expected values:
- groups ordered from most deprived (quantile 1) to least; each group's share of the population
  `a` and the midpoint of its cumulative rank `b` (0 = most deprived end, 1 = least deprived end);
- the weighted least-squares line value = intercept + sii * b (weights a): SII is the modelled
  difference between the least and the most deprived ends (negative when the value is higher in
  more deprived areas), RII the ratio of the two ends, (intercept + sii) / intercept - left
  undefined (NaN) unless both ends are positive;
- confidence limits: draw each group's value from a normal with that value as mean and its standard
  error, (upper - lower) / (2 * 1.96) from its 95% limits; refit; take the quantiles of the draws.
  A negative multiplier reverses the direction: SII changes sign and RII is inverted. RII limits
  are empty where over 1% of the draws have an end at or below zero (tiny cells).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054
# RII limits are left empty when more than this share of the draws has an end at or below zero:
# the ratio of two near-zero values is then too unstable to summarise (tiny cells).
UNSTABLE_RII_SHARE = 0.01


@dataclass(frozen=True)
class InequalityResult:
    sii: float
    rii: float
    intercept: float
    sii_limits: dict[float, tuple[float, float]]  # confidence -> (lower, upper)
    rii_limits: dict[float, tuple[float, float]]


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


def sii(values, populations, lower_95, upper_95, *, multiplier: float = 1.0,
        confidence: tuple[float, ...] = (0.95,), repetitions: int = 10_000,
        seed: int = 1) -> InequalityResult:
    """values, populations and 95% limits per group, ordered from quantile 1 (most deprived)."""
    values, populations = np.asarray(values, float), np.asarray(populations, float)
    se = (np.asarray(upper_95, float) - np.asarray(lower_95, float)) / (2 * Z95)
    shares, midpoints = _ranks(populations)
    intercept, slope = _fit(values, shares, midpoints)
    draws = np.random.default_rng(seed).normal(values, se, size=(repetitions, values.size))
    sim_intercept, sim_slope = _fit(draws, shares, midpoints)

    def ratio(a, s, positive_only):
        ends = (a + s, a) if multiplier > 0 else (a, a + s)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = ends[0] / ends[1]
        return np.where((ends[0] > 0) & (ends[1] > 0), ratios, np.nan) if positive_only else ratios

    point_rii = float(ratio(intercept, slope, positive_only=True))
    sii_limits, rii_limits = {}, {}
    for level in confidence:
        tails = [(1 - level) / 2, 1 - (1 - level) / 2]
        low, high = np.quantile(sim_slope * multiplier, tails)
        sii_limits[level] = (float(low), float(high))
        ratios = ratio(sim_intercept, sim_slope, positive_only=True)
        stable = np.isfinite(point_rii) and np.isnan(ratios).mean() <= UNSTABLE_RII_SHARE
        low, high = np.nanquantile(ratios, tails) if stable else (np.nan, np.nan)
        rii_limits[level] = (float(low), float(high))
    return InequalityResult(float(slope * multiplier), point_rii,
                            float(intercept * abs(multiplier)), sii_limits, rii_limits)


def stable_seed(*key: object) -> int:
    """The same seed for the same group on every run, so that rebuilt tables are identical."""
    return zlib.crc32("|".join(map(str, key)).encode())


SUMMARY_COLUMNS = ["indicator_id", "period", "area_type", "area_code", "sii", "sii_lower_ci95",
                   "sii_upper_ci95", "rii", "rii_lower_ci95", "rii_upper_ci95", "q1_value",
                   "q5_value", "gap_q1_q5", "ratio_q1_q5", "core20_share",
                   "core20_population_share", "value_type"]


def inequality_summary(values, repetitions: int = 10_000):
    """Per indicator, period and area with all five IMD quintiles valued: SII and RII with
    simulated 95% limits, the Q1 and Q5 values, their gap (Q1 - Q5) and ratio (Q1 / Q5), and the
    Core20 share: Q1's share of the numerator (events, people) and of the denominator (population).

    `values` is marts.fct_indicator_values as a pandas frame; returns a frame of SUMMARY_COLUMNS.
    """
    import pandas as pd

    key = ("indicator_id", "period", "area_type", "area_code")
    wanted = values[values["breakdown"].isin(["all", "imd_quintile"])]
    groups: dict[tuple, dict[str, dict]] = {}
    for cell in wanted.to_dict("records"):  # plain dicts: far quicker than pandas per group
        groups.setdefault(tuple(cell[k] for k in key), {})[cell["breakdown_value"]] = cell
    rows = []
    for group in sorted(groups):
        cells = groups[group]
        quintiles = [cells.get(q) for q in "12345"]
        q1, q5, total = quintiles[0], quintiles[4], cells.get("All")
        row = dict(zip(key, group, strict=True),
                   value_type=next(c["value_type"] for c in cells.values()))
        if all(c is None for c in quintiles):
            continue  # no quintile breakdown for this indicator, period and area
        row["q1_value"] = _number(q1, "value")
        row["q5_value"] = _number(q5, "value")
        if all(c is not None and all(_number(c, f) is not None for f in
                                     ("value", "lower_ci95", "upper_ci95"))
               and c["denominator"] > 0 for c in quintiles):
            result = sii([c["value"] for c in quintiles], [c["denominator"] for c in quintiles],
                         [c["lower_ci95"] for c in quintiles], [c["upper_ci95"] for c in quintiles],
                         repetitions=repetitions, seed=stable_seed(*group))
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
    for column in SUMMARY_COLUMNS[4:-1]:
        frame[column] = frame[column].astype("float64")
    return frame


def _number(cell: dict | None, field: str) -> float | None:
    value = None if cell is None else cell[field]
    return None if value is None or value != value else float(value)  # NaN -> None

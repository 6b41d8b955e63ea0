"""The sentence above each chart. A sentence states a change, a gap or a difference only when the
statistics support it (95% confidence intervals that do not overlap, or an SPC signal); otherwise it
says there is no clear difference. Suppressed values are never described."""

from __future__ import annotations

import pandas as pd

from pipelines.statistics.spc import RUN_LENGTH, SPC, label_side


def fmt(value, unit: str = "", digits: int = 1, signed: bool = False) -> str:
    """A value for a sentence or table: '*' when suppressed. `signed` for a gap or SII, whose sign
    says which way the gradient runs (+: higher in the more deprived)."""
    if value is None or pd.isna(value):
        return "*"
    joiner = "" if unit in ("%", "") else " "
    value = value if round(value, digits) else 0.0  # no "+0.0" or "-0.0"
    return f"{value:{'+' if signed and value else ''},.{digits}f}{joiner}{unit}"


def gap_unit(unit: str) -> str:
    """A difference of two percentages is in percentage points."""
    return "percentage points" if unit == "%" else unit


def _separate(a: pd.Series, b: pd.Series, low: str = "lower_ci95", high: str = "upper_ci95"
              ) -> int:
    """+1 if b is clearly above a, -1 if clearly below, 0 if their intervals overlap."""
    if b[low] > a[high]:
        return 1
    if b[high] < a[low]:
        return -1
    return 0


def describe_change(first: pd.Series, last: pd.Series, unit: str) -> str:
    """Two periods of one series; claims a change only when the 95% CIs do not overlap."""
    if pd.isna(first["value"]) or pd.isna(last["value"]):
        return "cannot be compared: its value is suppressed for small numbers in one of the periods"
    a, b = fmt(first["value"], unit), fmt(last["value"], unit)
    direction = _separate(first, last)
    if direction:
        verb = "rose" if direction > 0 else "fell"
        return f"{verb} from {a} in {first['period']} to {b} in {last['period']}"
    return (f"was {b} in {last['period']} and {a} in {first['period']}: no clear change "
            "(95% confidence intervals overlap)")


def describe_gap(most: pd.Series, least: pd.Series, unit: str) -> str:
    """Most vs least deprived fifth, claiming a difference only when the 95% CIs do not overlap."""
    if pd.isna(most["value"]) or pd.isna(least["value"]):
        return "values suppressed for small numbers"
    a, b = fmt(most["value"], unit), fmt(least["value"], unit)
    direction = _separate(least, most)
    if direction:
        word = "higher" if direction > 0 else "lower"
        return f"{word} in the most deprived fifth ({a}) than in the least deprived ({b})"
    return f"most deprived fifth {a}, least deprived {b}: no clear difference (95% CIs overlap)"


def describe_sii_trend(first: pd.Series, last: pd.Series, unit: str) -> str:
    """The slope index of inequality in two periods: 'widened'/'narrowed' only when the SII's 95%
    intervals do not overlap. The SII is the modelled most deprived end minus the least deprived
    (docs/methods.md#inequality-measures): its sign says which way the gradient runs."""
    if pd.isna(first["sii"]) or pd.isna(last["sii"]):
        return "the slope index of inequality is withheld in one of the periods compared"
    a, b = fmt(abs(first["sii"]), gap_unit(unit)), fmt(abs(last["sii"]), gap_unit(unit))
    direction = _separate(first, last, low="sii_lower_ci95", high="sii_upper_ci95")
    same_sign = (first["sii"] >= 0) == (last["sii"] >= 0)
    if direction and same_sign:
        widened = (direction > 0) == (last["sii"] >= 0)
        return (f"the gap between the most and least deprived ends of the population "
                f"{'widened' if widened else 'narrowed'} from {a} in {first['period']} to {b} in "
                f"{last['period']} (slope index of inequality)")
    return (f"the slope index of inequality was {fmt(last['sii'], gap_unit(unit), signed=True)} "
            f"in {last['period']} and {fmt(first['sii'], gap_unit(unit), signed=True)} in "
            f"{first['period']}: no "
            "clear change in the gap "
            "(95% intervals overlap)")


def describe_vs_ics(areas: pd.DataFrame, ics_value: float, unit: str) -> str:
    """Areas whose 99.8% interval excludes the ICS value (the funnel-plot standard)."""
    shown = areas.dropna(subset=["value"])
    if shown.empty or pd.isna(ics_value):
        return "values suppressed for small numbers"
    above = shown[shown["lower_ci998"] > ics_value]["area_name"].tolist()
    below = shown[shown["upper_ci998"] < ics_value]["area_name"].tolist()
    if not above and not below:
        return f"no area differs clearly from the ICS value of {fmt(ics_value, unit)} (99.8% limits)"
    parts = []
    if above:
        parts.append(f"{names_in_words(above)} {'is' if len(above) == 1 else 'are'} above")
    if below:
        parts.append(f"{names_in_words(below)} {'is' if len(below) == 1 else 'are'} below")
    return " and ".join(parts) + f" the ICS value of {fmt(ics_value, unit)} (outside 99.8% limits)"


def describe_spc(chart: SPC, months: list[str], unit: str) -> str:
    """What the XmR chart shows about the latest month."""
    latest, mean = months[-1], fmt(chart.mean[-1], unit, 0)
    side = label_side(chart.special_cause_type[-1])
    if side == 0:
        return (f"{latest}: {fmt(chart.values[-1], unit, 0)}; the latest month is common-cause "
                f"variation around a mean of {mean}")
    if "Trend" in chart.special_cause_type[-1]:
        finding = f"the latest months are {'rising' if side > 0 else 'falling'} ({RUN_LENGTH} in a row)"
    else:
        finding = f"the latest months are {'higher' if side > 0 else 'lower'} than the process mean of {mean}"
    return f"{latest}: {fmt(chart.values[-1], unit, 0)}; special-cause variation - {finding}"


def names_in_words(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe_count_change(first_count, last_count, first_period: str, last_period: str) -> str:
    """Two yearly counts of events; a rise or fall is claimed only when the difference is beyond
    Poisson chance variation at 95% (|a - b| > 1.96 * sqrt(a + b), the normal approximation to
    the conditional test of two Poisson counts)."""
    if pd.isna(first_count) or pd.isna(last_count):
        return "counts are suppressed for small numbers in one of the years compared"
    a, b = float(first_count), float(last_count)
    span = f"from {a:,.0f} in {first_period} to {b:,.0f} in {last_period}"
    if a + b > 0 and abs(b - a) > 1.96 * (a + b) ** 0.5:
        return f"{'rose' if b > a else 'fell'} {span} ({(b - a) / a:+.0%})" if a else f"rose {span}"
    return f"went {span}: within chance variation (no clear change)"

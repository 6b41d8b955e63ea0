"""Read calibration.yml and turn its age-banded tables into vectorised look-ups."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import yaml

CALIBRATION_FILE = Path(__file__).with_name("calibration.yml")


def load_yaml(path: Path):
    """A YAML file through libyaml's safe loader when PyYAML has it: the same result as
    yaml.safe_load, several times faster (calibration.yml: ~1 s a process in pure Python)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@cache
def load_calibration(path: Path = CALIBRATION_FILE) -> dict:
    return load_yaml(path)


def by_age(table: dict, ages: np.ndarray) -> np.ndarray:
    """Look up a {"lower age": value} table for each age (the band whose lower bound ≤ age)."""
    lowers = np.array(sorted(int(k) for k in table))
    values = np.array([table[str(k)] if str(k) in table else table[k] for k in lowers], dtype=float)
    return values[np.searchsorted(lowers, ages, side="right") - 1]


def shares(table: dict) -> tuple[list, np.ndarray]:
    """Keys and normalised probabilities of a {category: share} table."""
    keys = list(table)
    p = np.array([table[k]["share"] if isinstance(table[k], dict) else table[k] for k in keys],
                 dtype=float)
    return keys, p / p.sum()


def financial_year_label(years: np.ndarray, months: np.ndarray) -> np.ndarray:
    """'2019/20' style label for calendar year and month arrays."""
    start = np.where(months >= 4, years, years - 1)
    return np.array([f"{y}/{(y + 1) % 100:02d}" for y in range(2000, 2100)])[start - 2000]

"""The disclosure policy: its thresholds live once, in dbt_project.yml (`vars: disclosure`).

dbt reads them with `var('disclosure')`; Python (the suppression model, the board pack, the docs
check) reads the same file through `load_policy`. docs/disclosure.md explains each rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.config import DBT_PROJECT_DIR, dbt_vars


@dataclass(frozen=True)
class DisclosurePolicy:
    suppress_min: int  # counts from suppress_min to suppress_max are never published
    suppress_max: int
    round_to: int  # every other published count is rounded to the nearest multiple of this
    low_numbers_denominator: int  # proportions on fewer people are flagged as low numbers
    attribute_min_denominator: int  # "all of them" (100%) on fewer people is withheld
    dsr_min_events: int  # no age-standardised rate on fewer events
    breakdown_area_types: tuple[str, ...]  # area types published with breakdowns (others: totals)

    def is_small(self, count):
        """A count that may not be published: suppress_min to suppress_max (a number or an array)."""
        return (count >= self.suppress_min) & (count <= self.suppress_max)

    def in_words(self) -> str:
        """The rule as the board pack states it (quoted, never retyped)."""
        return (f"counts of {self.suppress_min} to {self.suppress_max} are withheld (shown as *), "
                f"other counts are rounded to the nearest {self.round_to}")

    def publishes(self, area_type: str, breakdown: str) -> bool:
        """Whether a row of this area type and breakdown is published at all."""
        return breakdown == "all" or area_type in self.breakdown_area_types

    def rounded(self, count: float) -> int:
        """A published count: 0 stays 0, others to the nearest multiple of round_to (half up)."""
        return 0 if count == 0 else int((count + self.round_to / 2) // self.round_to * self.round_to)


def load_policy(project_dir: Path = DBT_PROJECT_DIR) -> DisclosurePolicy:
    settings = dbt_vars(project_dir)["disclosure"]
    return DisclosurePolicy(**{name: tuple(value) if isinstance(value, list) else int(value)
                               for name, value in settings.items()})

"""Generate the demo extracts: deterministic for a given seed, delivered month by month."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.synthetic.calibration import load_calibration
from pipelines.synthetic.deaths import deaths_extract, simulate_deaths
from pipelines.synthetic.delivery import write_monthly
from pipelines.synthetic.ecds import ecds_extract
from pipelines.synthetic.geography import ics_lsoas
from pipelines.synthetic.gp import registration_versions
from pipelines.synthetic.population import build_population

DEFAULT_PERSONS = 120_000  # a 10% sample of the ICS; 1,200,000 is the whole ICS
DEFAULT_SEED = 20230401
DEFAULT_START, DEFAULT_END = "2019-04", "2025-03"


@dataclass(frozen=True)
class GeneratedExtracts:
    out_dir: Path
    files: dict[str, list[Path]]
    rows: dict[str, int]
    persons: int


def generate(
    out_dir: Path,
    persons: int = DEFAULT_PERSONS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
) -> GeneratedExtracts:
    """Write every source's monthly files for months ``start``..``end`` (inclusive) to out_dir."""
    first_day = np.datetime64(start, "M").astype("datetime64[D]")
    end_day = (np.datetime64(end, "M") + 1).astype("datetime64[D]")  # exclusive
    if end_day <= first_day:
        raise ValueError(f"--end {end} is before --start {start}")
    cal = load_calibration()
    rng = np.random.default_rng(seed)
    people = build_population(rng, ics_lsoas(), cal, persons, first_day, end_day)
    death = simulate_deaths(rng, people, cal, first_day, end_day)

    extracts = {}
    gp = registration_versions(rng, people, death, cal, first_day, end_day)
    extracts["gp_registrations"] = (gp.drop(columns="known_on"), gp["known_on"].to_numpy(), "csv")
    deaths = deaths_extract(rng, people, death, cal, end_day)
    extracts["civil_registration_deaths"] = (deaths, deaths["REG_DATE"].to_numpy(), "csv")
    ecds = ecds_extract(rng, people, death, cal, first_day, end_day)
    extracts["ecds_attendances"] = (
        ecds, ecds["Der_EC_Arrival_Date_Time"].to_numpy(), "parquet")

    files, rows = {}, {}
    for source, (frame, month_of, file_format) in extracts.items():
        shutil.rmtree(out_dir / source, ignore_errors=True)  # a re-run replaces, never mixes
        files[source] = write_monthly(frame, month_of, out_dir, source, file_format)
        rows[source] = len(frame)
    return GeneratedExtracts(out_dir, files, rows, persons)

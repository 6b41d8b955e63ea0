"""Generate the demo extracts: deterministic for a given seed, delivered month by month.

Order matters for reproducibility: every draw comes from one random generator, in the order below.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.config import SYNTHETIC_MARKER
from pipelines.synthetic.apc import apc_extract
from pipelines.synthetic.calibration import load_calibration
from pipelines.synthetic.children import births_extract, ncmp_extract
from pipelines.synthetic.deaths import deaths_extract
from pipelines.synthetic.delivery import write_monthly
from pipelines.synthetic.ecds import ecds_extract
from pipelines.synthetic.end_of_life import (
    advance_care_plan_dates,
    epaccs_extract,
    palliative_register_dates,
)
from pipelines.synthetic.geography import ics_lsoas
from pipelines.synthetic.gp import registration_versions
from pipelines.synthetic.gp_events import gp_events_extract
from pipelines.synthetic.lives import simulate_people
from pipelines.synthetic.quirks import SourceRoles, delivery_months, inject
from pipelines.synthetic.social_care import care_home_reference, social_care_extract

DEFAULT_PERSONS = 120_000  # a 10% sample of the ICS; 1,200,000 is the whole ICS
# Below this some feed gets no rows in some month and the generator fails (measured: 300 people
# over six years fails, 500 works); the command line refuses fewer.
MIN_PERSONS = 1_000
DEFAULT_SEED = 20230401
DEFAULT_START, DEFAULT_END = "2019-04", "2025-03"

# Each source: its file format and the part each of its columns plays in the injected problems.
SOURCES = {
    "gp_registrations": ("csv", SourceRoles("known_on", lsoa="lsoa11", ethnicity="ethnic_category")),
    "gp_events": ("csv", SourceRoles("recorded_date",
                                     activity_dates=("clinical_effective_date", "recorded_date"))),
    "civil_registration_deaths": ("csv", SourceRoles(
        "REG_DATE", person_nullable=True, lsoa="LSOA_OF_RESIDENCE_CODE",
        icd10="S_UNDERLYING_COD_ICD10", can_arrive_late=False)),
    "ecds_attendances": ("parquet", SourceRoles(
        "Der_EC_Arrival_Date_Time", person_nullable=True, lsoa="Der_Postcode_LSOA_Code",
        activity_dates=("Der_EC_Arrival_Date_Time", "Der_EC_Departure_Date_Time"))),
    "apc_episodes": ("parquet", SourceRoles(
        "Episode_Start_Date", person_nullable=True, lsoa="Der_Postcode_LSOA_Code",
        icd10="Primary_Diagnosis_Code", ethnicity="Ethnic_Group")),
    "asc_cld_events": ("csv", SourceRoles("known_on", person_nullable=True,
                                          file_date_columns=("ImportDate", "extract_date"))),
    "care_home_reference": ("csv", SourceRoles("snapshot_month", person=None,
                                               can_arrive_late=False)),
    "epaccs_records": ("csv", SourceRoles("known_on")),
    "msds_births": ("csv", SourceRoles("birth_date", person="mother_person_id",
                                       lsoa="mother_lsoa11")),
    "ncmp_measurements": ("csv", SourceRoles("measurement_date", lsoa="child_lsoa11",
                                             ethnicity="ethnic_category")),
}
DELIVERY_ONLY_COLUMNS = ("known_on", "snapshot_month")  # used to place rows in files, not sent


@dataclass(frozen=True)
class GeneratedExtracts:
    out_dir: Path
    files: dict[str, list[Path]]
    rows: dict[str, int]
    persons: int


def _monthly_snapshots(frame: pd.DataFrame, start, end) -> pd.DataFrame:
    """The same reference list delivered every month (homes registered by then)."""
    months = np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]"))
    parts = [frame[frame["registration_start"] <= m.astype("datetime64[D]")].assign(
        snapshot_month=m.astype("datetime64[D]")) for m in months]
    return pd.concat(parts, ignore_index=True)


def generate(
    out_dir: Path,
    persons: int = DEFAULT_PERSONS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    clean: bool = False,
) -> GeneratedExtracts:
    """Write every source's monthly files for months ``start``..``end`` (inclusive) to out_dir."""
    first_day = np.datetime64(start, "M").astype("datetime64[D]")
    end_day = (np.datetime64(end, "M") + 1).astype("datetime64[D]")  # exclusive
    if end_day <= first_day:
        raise ValueError(f"--end {end} is before --start {start}")
    cal = load_calibration()
    rates = {k: 0.0 for k in cal["data_quality"]} if clean else cal["data_quality"]
    rng = np.random.default_rng(seed)
    lsoas = ics_lsoas()
    people, lives, profiles = simulate_people(rng, lsoas, cal, persons, first_day, end_day)
    exit_day = lives.exit  # activity stops at death or on leaving the area
    palliative = palliative_register_dates(people, profiles)
    plan = advance_care_plan_dates(people, profiles)

    # Each extract is made, damaged as its feed would be, written and released before the next:
    # holding them all at once would double the peak memory at full-ICS size. Only the hospital
    # spells are kept, for the social care requests that follow discharges.
    hospital = {}

    def apc_episodes():
        hospital["care"] = apc_extract(rng, people, exit_day, profiles, lives.moves, cal, first_day,
                                       end_day)
        return hospital["care"].episodes

    extracts = {
        "gp_registrations": lambda: registration_versions(rng, people, lives, cal, first_day,
                                                          end_day),
        "gp_events": lambda: gp_events_extract(rng, people, lives, palliative, plan, cal, first_day,
                                               end_day, off_list=not clean),
        "civil_registration_deaths": lambda: deaths_extract(rng, people, lives, profiles, cal,
                                                            first_day, end_day),
        "ecds_attendances": lambda: ecds_extract(rng, people, exit_day, profiles, lives.moves,
                                                 cal, first_day, end_day),
        "apc_episodes": apc_episodes,
        "asc_cld_events": lambda: social_care_extract(rng, people, exit_day,
                                                      hospital.pop("care").spells, cal, first_day,
                                                      end_day),
        "care_home_reference": lambda: _monthly_snapshots(
            care_home_reference(rng, people, lsoas, cal), first_day, end_day),
        "epaccs_records": lambda: epaccs_extract(rng, people, profiles, palliative, cal, end_day),
        "msds_births": lambda: births_extract(rng, people, cal, first_day, end_day),
        "ncmp_measurements": lambda: ncmp_extract(rng, people, exit_day, cal, first_day, end_day),
    }
    death = lives.death
    deaths_by_person = pd.Series(death, index=people["person_id"]).dropna()
    files, rows = {}, {}
    for source, make in extracts.items():
        file_format, roles = SOURCES[source]
        frame = inject(rng, make(), roles, rates, deaths_by_person)
        frame, month = delivery_months(rng, frame, roles, rates, first_day.astype("datetime64[M]"))
        keep = month < end_day.astype("datetime64[M]")  # arriving after the extract end: not yet
        frame = frame[keep].drop(columns=[c for c in DELIVERY_ONLY_COLUMNS if c in frame])
        shutil.rmtree(out_dir / source, ignore_errors=True)  # a re-run replaces, never mixes
        files[source] = write_monthly(frame, month[keep], out_dir, source, file_format,
                                      roles.file_date_columns)
        rows[source] = len(frame)
        del frame, month, keep
    (out_dir / SYNTHETIC_MARKER).write_text(
        "The extracts in this folder are synthetic (pophealth demo-data), not patient data.\n"
        "The board pack says so while this file is in the landing folder.\n", encoding="utf-8")
    return GeneratedExtracts(out_dir, files, rows, persons)

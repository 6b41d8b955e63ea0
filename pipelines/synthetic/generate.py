"""Generate the demo extracts: deterministic for a given seed, delivered month by month.

People are simulated in shards (interleaved sets of LSOAs, sharding.py), each from its own random stream, in
as many worker processes as asked; each shard writes part files, merged in shard order into the
monthly files. So a seed gives byte-identical files whatever the number of workers, and memory is
bounded by a shard, not by the population. Within a shard, order matters for reproducibility: every
draw comes from the shard's generator, in the order below.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import multiprocessing
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.config import SYNTHETIC_MARKER
from pipelines.synthetic.apc import apc_extract
from pipelines.synthetic.calibration import load_calibration
from pipelines.synthetic.children import births_extract, ncmp_extract
from pipelines.synthetic.deaths import deaths_extract
from pipelines.synthetic.delivery import merge_month, month_parts, write_parts
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
from pipelines.synthetic.sharding import POPULATION_COLUMNS, SHARD_PERSONS, ShardIds, apportion, plan_shards
from pipelines.synthetic.social_care import care_home_reference, social_care_extract

DEFAULT_PERSONS = 120_000  # a 10% sample of the ICS; 1,200,000 is the whole ICS
# Below this some feeds have no rows in some months (no file that month); the command line refuses
# fewer so that every feed delivers. The generator itself runs shards of a few dozen people (a shard
# with no woman of 18-44 in a place that has a birth fails: births need a mother).
MIN_PERSONS = 1_000
DEFAULT_SEED = 20230401
DEFAULT_START, DEFAULT_END = "2019-04", "2025-03"
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)  # both cores of the reference machine
SCRATCH = ".generating"  # parts and merged files, moved into place only when all are written
# Random streams: np.random.default_rng([seed, stream, ...]); shards add their index.
SHARD_STREAM, REFERENCE_STREAM = 0, 1

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


@dataclass(frozen=True)
class _Job:
    """What a worker needs to write one shard's parts (index -1: the care-home reference)."""
    index: int
    lsoas: pd.DataFrame
    persons: int
    seed: int
    cal: dict
    first_day: np.datetime64
    end_day: np.datetime64
    rates: dict
    parts_dir: Path


def _monthly_snapshots(frame: pd.DataFrame, start, end) -> pd.DataFrame:
    """The same reference list delivered every month (homes registered by then)."""
    months = np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]"))
    parts = [frame[frame["registration_start"] <= m.astype("datetime64[D]")].assign(
        snapshot_month=m.astype("datetime64[D]")) for m in months]
    return pd.concat(parts, ignore_index=True)


def _older_people(lsoas: pd.DataFrame, persons: int, cal: dict) -> pd.DataFrame:
    """Stand-ins for the people aged 65+ at the start, placed by the LSOA table (not by the
    simulated people, so the reference does not depend on shards): the 60+ population apportioned
    to LSOAs, times the share of 60+ who are 65+ in the England age profile."""
    profile = cal["population"]["age_profile_england_2019"]
    sixty = {band: n for band, n in profile.items() if int(band.split("-")[0]) >= 60}
    share_65 = sum(n for band, n in sixty.items() if int(band.split("-")[0]) >= 65) / sum(sixty.values())
    total = lsoas[POPULATION_COLUMNS].to_numpy(dtype=float).sum()
    older = max(1, round(persons * lsoas["pop_60plus_mid2015"].sum() / total * share_65))
    counts = apportion(older, lsoas["pop_60plus_mid2015"].to_numpy(dtype=float))
    return pd.DataFrame({"lsoa11": np.repeat(lsoas["lsoa11cd"].to_numpy(), counts),
                         "birth_date": np.datetime64("1949-04-01")})


def _deliverable(rng, frame, roles, rates, deaths_by_person, first_day, end_day):
    """Damage rows as the feed would and place them in delivery months; what is sent in the
    months asked: (the damaged frame, the row of it each delivered record is, its month)."""
    frame = inject(rng, frame, roles, rates, deaths_by_person)
    rows, month = delivery_months(rng, frame, roles, rates, first_day.astype("datetime64[M]"))
    keep = month < end_day.astype("datetime64[M]")  # arriving after the extract end: not yet
    frame = frame.drop(columns=[c for c in DELIVERY_ONLY_COLUMNS if c in frame])
    return frame, rows[keep], month[keep]


def shard_extracts(
    rng: np.random.Generator, lsoas: pd.DataFrame, persons: int, cal: dict,
    first_day: np.datetime64, end_day: np.datetime64, rates: dict, ids: ShardIds,
) -> Iterator[tuple[str, pd.DataFrame, np.ndarray, np.ndarray]]:
    """One shard's extracts, one source at a time: (source, frame, the delivered records as rows of
    the frame, the delivery month of each)."""
    people, lives, profiles = simulate_people(rng, lsoas, cal, persons, first_day, end_day)
    people["person_id"] = ids.person_ids(len(people))  # unique across shards by construction
    exit_day = lives.exit  # activity stops at death or on leaving the area
    palliative = palliative_register_dates(people, profiles)
    plan = advance_care_plan_dates(people, profiles)
    messy = any(rates.values())  # --clean zeroes every rate: no off-list codes either

    # Each extract is made, damaged as its feed would be, written and released before the next:
    # holding them all at once would multiply the peak memory. Only the hospital spells are kept,
    # for the social care requests that follow discharges.
    hospital = {}

    def apc_episodes():
        hospital["care"] = apc_extract(rng, people, exit_day, profiles, lives.moves, cal,
                                       first_day, end_day)
        return hospital["care"].episodes

    extracts = {
        "gp_registrations": lambda: registration_versions(rng, people, lives, cal, first_day,
                                                          end_day),
        "gp_events": lambda: gp_events_extract(rng, people, lives, palliative, plan, cal, first_day,
                                               end_day, off_list=messy),
        "civil_registration_deaths": lambda: deaths_extract(rng, people, lives, profiles, cal,
                                                            first_day, end_day),
        "ecds_attendances": lambda: ecds_extract(rng, people, exit_day, profiles, lives.moves,
                                                 cal, first_day, end_day),
        "apc_episodes": apc_episodes,
        "asc_cld_events": lambda: social_care_extract(rng, people, exit_day,
                                                      hospital.pop("care").spells, lives.moves,
                                                      cal, first_day, end_day),
        "epaccs_records": lambda: epaccs_extract(rng, people, profiles, palliative, cal, end_day),
        "msds_births": lambda: births_extract(rng, people, exit_day, lives.moves, cal, first_day,
                                               end_day),
        "ncmp_measurements": lambda: ncmp_extract(rng, people, exit_day, cal, first_day, end_day),
    }
    deaths_by_person = pd.Series(lives.death, index=people["person_id"]).dropna()
    for source, make in extracts.items():
        frame = ids.offset_record_ids(source, make())
        yield source, *_deliverable(rng, frame, SOURCES[source][1], rates, deaths_by_person,
                                    first_day, end_day)


def _reference_extract(rng, lsoas, persons, cal, first_day, end_day, rates):
    """The care-home reference: one list for the whole ICS, from its own stream."""
    homes = care_home_reference(rng, _older_people(lsoas, persons, cal), lsoas, cal)
    frame = _monthly_snapshots(homes, first_day, end_day)
    yield "care_home_reference", *_deliverable(rng, frame, SOURCES["care_home_reference"][1], rates,
                                               pd.Series(dtype="datetime64[ns]"), first_day, end_day)


def _write_job(job: _Job) -> dict[str, int]:
    """Run one job (in a worker process or this one) and write its parts; rows per source."""
    if job.index < 0:
        rng = np.random.default_rng([job.seed, REFERENCE_STREAM])
        made = _reference_extract(rng, job.lsoas, job.persons, job.cal, job.first_day,
                                  job.end_day, job.rates)
    else:
        rng = np.random.default_rng([job.seed, SHARD_STREAM, job.index])
        key = int(np.random.SeedSequence(job.seed).generate_state(1, np.uint64)[0])
        made = shard_extracts(rng, job.lsoas, job.persons, job.cal, job.first_day, job.end_day,
                              job.rates, ShardIds(job.index, key))
    rows = {}
    for source, frame, delivered, month in made:
        file_format, roles = SOURCES[source]
        write_parts(frame, delivered, month, job.parts_dir, source, file_format, max(job.index, 0),
                    roles.file_date_columns)
        rows[source] = len(delivered)
    _release_memory()
    return rows


def _release_memory() -> None:
    """Hand memory freed by a finished shard back to the system. A worker runs shard after shard:
    Arrow's pool and the C allocator keep freed blocks for reuse, and scattered across a long-lived
    process they would otherwise stay resident (so a worker would grow with the shards it ran)."""
    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc and hasattr(ctypes.CDLL(libc), "malloc_trim"):  # glibc only
        ctypes.CDLL(libc).malloc_trim(0)


def _in_order(pool: Executor, function: Callable, items: Iterable, ahead: int) -> Iterator:
    """``pool.map`` that keeps at most ``ahead`` items submitted and not yet collected (map submits
    them all at once, holding every job's arguments in this process until the end)."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _merge_plan(parts_dir: Path, merged_dir: Path) -> dict[str, list[tuple[list[Path], Path]]]:
    """Each source's monthly files to write, and the parts each is merged from."""
    plan = {}
    for source, (file_format, _) in SOURCES.items():
        (merged_dir / source).mkdir(parents=True)
        plan[source] = [(parts, merged_dir / source / f"{source}_{month}.{file_format}")
                        for month, parts in month_parts(parts_dir, source).items()]
    return plan


def generate(
    out_dir: Path,
    persons: int = DEFAULT_PERSONS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    clean: bool = False,
    workers: int = DEFAULT_WORKERS,
    shard_persons: int = SHARD_PERSONS,
) -> GeneratedExtracts:
    """Write every source's monthly files for months ``start``..``end`` (inclusive) to out_dir."""
    first_day = np.datetime64(start, "M").astype("datetime64[D]")
    end_day = (np.datetime64(end, "M") + 1).astype("datetime64[D]")  # exclusive
    if end_day <= first_day:
        raise ValueError(f"--end {end} is before --start {start}")
    cal = load_calibration()
    rates = {k: 0.0 for k in cal["data_quality"]} if clean else cal["data_quality"]
    lsoas = ics_lsoas()
    scratch = Path(out_dir) / SCRATCH
    shutil.rmtree(scratch, ignore_errors=True)  # what a crashed run left
    parts_dir, merged_dir = scratch / "parts", scratch / "merged"

    shards = plan_shards(lsoas, persons, shard_persons)
    jobs = itertools.chain(  # made as they are submitted
        [_Job(-1, lsoas, persons, seed, cal, first_day, end_day, rates, parts_dir)],
        (_Job(s.index, s.lsoas, s.persons, seed, cal, first_day, end_day, rates, parts_dir)
         for s in shards))
    workers = min(workers, len(shards))
    if workers > 1:
        # spawn: a fresh interpreter per worker, safe beside Prefect's threads (fork is not).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            job_rows = list(_in_order(pool, _write_job, jobs, ahead=2 * workers))
            plan = _merge_plan(parts_dir, merged_dir)
            merges = [merge for merges in plan.values() for merge in merges]
            list(pool.map(merge_month, [parts for parts, _ in merges],
                          [target for _, target in merges], chunksize=8))
    else:  # one shard (any small population) or one worker: no process to start
        job_rows = [_write_job(job) for job in jobs]
        plan = _merge_plan(parts_dir, merged_dir)
        for parts, target in (merge for merges in plan.values() for merge in merges):
            merge_month(parts, target)
    rows = {source: sum(r.get(source, 0) for r in job_rows) for source in SOURCES}

    files = {}
    for source, merges in plan.items():
        shutil.rmtree(out_dir / source, ignore_errors=True)  # a re-run replaces, never mixes
        (merged_dir / source).rename(out_dir / source)
        files[source] = [out_dir / source / target.name for _, target in merges]
    shutil.rmtree(scratch)
    (out_dir / SYNTHETIC_MARKER).write_text(
        "The extracts in this folder are synthetic (pophealth demo-data), not patient data.\n"
        "Files landed while this file is in the landing folder are recorded as synthetic in the\n"
        "batch ledger, and every board pack built on them says so.\n", encoding="utf-8")
    return GeneratedExtracts(out_dir, files, rows, persons)

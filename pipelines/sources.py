"""Sources: list what the pipeline knows, and scaffold a new one (`pophealth sources new NAME`).

A source is registered by its contract: `load_contracts()` reads every `data_contracts/*.yml`, and
the landing sub-folder, the raw table and the loader all take the contract's id. So the scaffold
writes the contract, the dbt source and staging model, and a fixture; there is no loader code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipelines.config import PROJECT_ROOT
from pipelines.warehouse.connection import table_exists

NAME = re.compile(r"^[a-z][a-z0-9_]{2,40}$")

CONTRACT = """\
# Landing contract for {name}. Edit the columns to match the feed's file exactly (names and order),
# then run `pophealth ingest --source {name}`. Rule kinds: pattern, allowed_values, between;
# severity reject (quarantine the file) or flag (load the rows with a flag).
id: {name}
title: {title}
version: 0.1.0
description: TODO one line on what one row is.
owner: TODO who sends it
delivery: {{frequency: monthly, format: {file_format}, file_pattern: "{name}_*.{file_format}"}}
grain: one row per record (record_id)
primary_key: {{columns: [record_id], severity: flag}}
row_count: {{min: 1}}
quality: {{event_date: event_date, key_fields: [person_id, event_date, code], person: person_id}}
columns:
  - {{name: record_id, type: VARCHAR, nullable: false, sensitivity: none}}
  - {{name: person_id, type: VARCHAR, nullable: true, sensitivity: identifier,
     rules: [{{rule: pattern, regex: '^[0-9a-f]{{16}}$', severity: reject}}]}}
  - {{name: event_date, type: DATE, nullable: false, sensitivity: quasi_identifier}}
  - {{name: code, type: VARCHAR, nullable: true, sensitivity: clinical}}
  - {{name: extract_date, type: DATE, nullable: false, sensitivity: none}}
"""

SOURCES_YML = """\
version: 2

sources:
  - name: {name}
    description: {title}, landed by the pipeline after its data contract passed.
    schema: raw
    tables:
      - name: {name}
        description: "Every delivered version of each record (contract: data_contracts/{name}.yml)."
"""

STAGING_SQL = """\
-- One row per {name} record: the latest delivered version wins (macro latest_versions; change
-- the key columns if records are identified by more than record_id).
select
    record_id,
    person_id,
    event_date,
    code,
    extract_date,
    _batch_id as batch_id
from {{{{ latest_versions(source('{name}', '{name}'), ['record_id']) }}}} as records
"""

MODELS_YML = """\
version: 2

models:
  - name: stg_{name}__records
    description: {title}, latest version of each record.
    columns:
      - name: record_id
        data_tests: [unique, not_null]
      - name: event_date
        data_tests: [not_null]
"""


def fixture_rows(name: str, rows: int = 20) -> str:
    """Synthetic rows (never real identifiers) in the scaffold's column layout."""
    lines = ["record_id,person_id,event_date,code,extract_date"]
    for i in range(1, rows + 1):
        lines.append(f"R{i:05d},{(i * 2654435761) % 16**16:016x},2024-05-{i % 28 + 1:02d},"
                     f"C{i % 7},2024-06-01")
    return "\n".join(lines) + "\n"


def scaffold_source(name: str, file_format: str = "csv", root: Path = PROJECT_ROOT) -> list[Path]:
    """Write the files for a new source; refuses to overwrite anything."""
    if not NAME.match(name):
        raise ValueError(f"{name!r}: use lower-case snake_case, 3-41 characters, starting with a "
                         "letter")
    if file_format not in ("csv", "parquet"):
        raise ValueError("format must be csv or parquet")
    title = name.replace("_", " ").capitalize()
    staging = root / "dbt_project" / "models" / "staging" / name
    fixture_name = f"{name}_{date.today():%Y%m}.{file_format}"
    files = {
        root / "data_contracts" / f"{name}.yml": CONTRACT,
        staging / f"_{name}__sources.yml": SOURCES_YML,
        staging / f"stg_{name}__records.sql": STAGING_SQL,
        staging / f"_{name}__models.yml": MODELS_YML,
        root / "tests" / "fixtures" / name / fixture_name: None,
    }
    existing = [p for p in files if p.exists()]
    if existing:
        raise FileExistsError(f"source {name} already exists: {existing[0]}")
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if template is not None:
            path.write_text(template.format(name=name, title=title, file_format=file_format))
        elif file_format == "csv":
            path.write_text(fixture_rows(name))
        else:  # the same rows, typed, as Parquet
            csv = path.with_suffix(".csv")
            csv.write_text(fixture_rows(name))
            duckdb.sql(f"copy (select * from read_csv('{csv}', all_varchar = true)) to '{path}' "
                       "(format parquet)")
            duckdb.sql(f"copy (select record_id, person_id, cast(event_date as date) as event_date, "
                       f"code, cast(extract_date as date) as extract_date from '{path}') "
                       f"to '{path}' (format parquet)")
            csv.unlink()
    return list(files)


@dataclass(frozen=True)
class SourceSummary:
    source: str
    title: str
    format: str
    frequency: str
    owner: str
    columns: int
    files_loaded: int | None  # None: not known (no warehouse, or it could not be read)
    rows_loaded: int | None
    files_quarantined: int | None
    latest_file: str | None


@dataclass(frozen=True)
class SourceListing:
    sources: list[SourceSummary]
    note: str | None = None  # why the loaded counts are missing, when they are


def describe_sources() -> SourceListing:
    """Each source with its contract facts and what has been loaded and quarantined, or a note
    saying why that is not known (no warehouse yet, or another run is writing it)."""
    from pipelines.config import load_settings
    from pipelines.contracts.model import load_contracts
    from pipelines.ops.ledger import SourceLoads, loaded_by_source

    settings = load_settings()
    loaded: dict[str, SourceLoads] | None = None
    note = None
    if not settings.duckdb_path.is_file():
        note = (f"No warehouse at {settings.duckdb_path} yet: nothing has been loaded (`pophealth "
                "ingest` loads the landing folder).")
    else:
        try:
            with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
                loaded = loaded_by_source(con) if table_exists(con, "ops", "ingest_batches") else {}
        except duckdb.Error:
            note = (f"The warehouse {settings.duckdb_path} could not be read (another run may be "
                    "writing it): loaded counts not shown.")
    nothing = SourceLoads(0, 0, None, 0)
    summaries = []
    for c in load_contracts().values():
        mine = None if loaded is None else loaded.get(c.id, nothing)
        summaries.append(SourceSummary(
            c.id, c.title, c.format, c.frequency, c.owner, len(c.columns),
            files_loaded=mine and mine.files, rows_loaded=mine and mine.rows,
            files_quarantined=mine and mine.files_quarantined,
            latest_file=mine and mine.latest_file))
    return SourceListing(summaries, note)

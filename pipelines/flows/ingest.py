"""Flow: land every delivered file — validate it against its contract, then load or quarantine it —
and name whatever else the landing folder holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipelines.config import load_settings
from pipelines.contracts.model import load_contracts
from pipelines.errors import UsageError
from pipelines.flows.retries import IO_RETRIES
from pipelines.landing import land_all, unexpected_entries
from pipelines.landing.batch import Batch, BatchStatus
from pipelines.landing.land import delivered_files
from pipelines.landing.validation import ContractValidator
from pipelines.ops.data_quality import refresh_data_quality
from pipelines.progress import progress
from pipelines.warehouse.connection import connect
from pipelines.warehouse.lock import writing
from pipelines.warehouse.storage import storage_errors


@dataclass
class Ingested:
    """What an ingest did: every file's batch, and what the landing folder holds that it does not
    take (each with the reason). A refused file or an unexpected entry makes the ingest fail."""

    batches: list[Batch] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[Batch]:
        """Files refused: quarantined, or gone before they could be."""
        return [b for b in self.batches if b.status in (BatchStatus.QUARANTINED, BatchStatus.REFUSED)]

    @property
    def failed(self) -> bool:
        return bool(self.refused or self.unexpected)

    def problems(self) -> list[str]:
        """One line per refused file and unexpected entry, naming it (never a value from a file)."""
        return ([f"{b.source}/{b.file_name} {b.status}: {b.message}" for b in self.refused]
                + [f"unexpected in the landing folder: {entry}" for entry in self.unexpected])


# I/O: retried with back-off (landing is idempotent: files are recognised by their hash and
# committed whole with their ledger rows). The dbt build is never retried. One task per source, so
# that a retry repeats only the source that failed.
@task(name="land-source", task_run_name="land {contract_id}", cache_policy=NO_CACHE,
      **IO_RETRIES)
def land_source_task(contract_id: str, validator: ContractValidator) -> list[Batch]:
    settings = load_settings()
    settings.ensure_dirs()
    contract = load_contracts()[contract_id]
    files = len(delivered_files(settings.landing_dir, contract))
    unchanged = (f"the {contract_id} files being loaded were rolled back and stay in the landing "
                 "folder (each file is loaded whole or not at all)")
    with progress(f"landing {contract_id}", files) as step, \
            storage_errors(settings.duckdb_path.parent, unchanged):
        batches = land_all(settings, [contract], validator,
                           on_file=lambda batch: step(f"{batch.file_name} {batch.status}"))
    for batch in batches:
        if batch.status in (BatchStatus.QUARANTINED, BatchStatus.REFUSED):
            print(f"{batch.status.upper()} {batch.source}/{batch.file_name}: {batch.message}")
    return batches


@flow(name="ingest", log_prints=True)
def ingest(sources: list[str] | None = None) -> Ingested:
    """Land the files of the given sources (default: every source with a contract), holding the
    warehouse's exclusive lock (one writer at a time: pipelines/warehouse/lock.py). The landing
    folder must exist (UsageError): ingest never creates it."""
    contracts = load_contracts()
    unknown = sorted(set(sources or []) - set(contracts))
    if unknown:
        raise UsageError(f"no data contract for source(s): {', '.join(unknown)}")
    with writing(load_settings(), "ingest"):
        ingested = Ingested(unexpected=unexpected_entries(load_settings().landing_dir,
                                                          contracts.values()))
        for entry in ingested.unexpected:
            print(f"UNEXPECTED {entry}")
        validator = ContractValidator()
        for contract_id in sources or sorted(contracts):
            ingested.batches += land_source_task(contract_id, validator)
        data_quality_task()
    return ingested


@task(name="data-quality-summary", cache_policy=NO_CACHE, **IO_RETRIES)
def data_quality_task() -> int:
    settings = load_settings()
    with storage_errors(settings.duckdb_path.parent, "the data-quality summary keeps its last "
                        "state; the files loaded stay loaded"), \
            connect(settings.duckdb_path, config=settings.duckdb_config) as con:
        rows = refresh_data_quality(con, list(load_contracts().values()))
    print(f"ops.data_quality: {rows} source-months summarised")
    return rows

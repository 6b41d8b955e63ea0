"""Flow: land every delivered file — validate it against its contract, then load or quarantine it."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipelines.config import load_settings
from pipelines.contracts.model import load_contracts
from pipelines.flows.retries import IO_RETRIES
from pipelines.landing import land_all
from pipelines.landing.batch import Batch, BatchStatus
from pipelines.landing.land import delivered_files
from pipelines.landing.validation import ContractValidator
from pipelines.ops.data_quality import refresh_data_quality
from pipelines.progress import progress
from pipelines.warehouse.connection import connect


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
    with progress(f"landing {contract_id}", files) as step:
        batches = land_all(settings, [contract], validator,
                           on_file=lambda batch: step(f"{batch.file_name} {batch.status}"))
    for batch in batches:
        if batch.status == BatchStatus.QUARANTINED:
            print(f"QUARANTINED {batch.file_name}: {batch.message}")
    return batches


@flow(name="ingest", log_prints=True)
def ingest(sources: list[str] | None = None) -> list[Batch]:
    """Land the files of the given sources (default: every source with a contract)."""
    contracts = load_contracts()
    unknown = sorted(set(sources or []) - set(contracts))
    if unknown:
        raise ValueError(f"no data contract for source(s): {', '.join(unknown)}")
    validator = ContractValidator()
    batches: list[Batch] = []
    for contract_id in sources or sorted(contracts):
        batches += land_source_task(contract_id, validator)
    data_quality_task()
    return batches


@task(name="data-quality-summary", cache_policy=NO_CACHE, **IO_RETRIES)
def data_quality_task() -> int:
    settings = load_settings()
    with connect(settings.duckdb_path) as con:
        rows = refresh_data_quality(con, list(load_contracts().values()))
    print(f"ops.data_quality: {rows} source-months summarised")
    return rows

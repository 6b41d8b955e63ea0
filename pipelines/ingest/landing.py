"""Find delivered files in the landing folder and land each one, source by source."""

from __future__ import annotations

from pathlib import Path

from pipelines.config import Settings
from pipelines.contracts.model import Contract
from pipelines.contracts.validation import ContractValidator
from pipelines.ingest import ledger
from pipelines.ingest.batches import BatchOutcome, PendingBatch, ensure_raw_table, finish, identify
from pipelines.warehouse.connection import connect


def delivered_files(landing_dir: Path, contract: Contract) -> list[Path]:
    """Files for one source, oldest delivery first (file names carry the delivery month)."""
    folder = landing_dir / contract.id
    return sorted(p for p in folder.glob(contract.file_pattern) if p.is_file())


def land_source(
    settings: Settings, contract: Contract, validator: ContractValidator
) -> list[BatchOutcome]:
    files = delivered_files(settings.landing_dir, contract)
    with connect(settings.duckdb_path) as con:
        ledger.ensure_ledger(con)
        ensure_raw_table(con, contract)
        seen, loaded = ledger.seen_files(con), ledger.loaded_hashes(con)
        first_pass = [identify(con, contract, path, seen, loaded) for path in files]
        readable = [p for p in first_pass if isinstance(p, PendingBatch) and p.findings is None]
        validations = dict(zip(
            (p.batch_id for p in readable),
            validator.validate_batches(contract, [p.landed.frame for p in readable]) if readable
            else [], strict=True))
        return [
            finish(con, contract, p, validations.get(p.batch_id), settings.quarantine_dir, seen,
                   loaded) if isinstance(p, PendingBatch) else p
            for p in first_pass
        ]

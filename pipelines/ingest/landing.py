"""Find delivered files in the landing folder and land each one, source by source."""

from __future__ import annotations

from pathlib import Path

from pipelines.config import Settings
from pipelines.contracts.model import Contract
from pipelines.contracts.validation import ContractValidator
from pipelines.ingest import ledger
from pipelines.ingest.batches import BatchOutcome, ensure_raw_table, land_file
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
        return [
            land_file(con, contract, path, validator, settings.quarantine_dir, seen, loaded)
            for path in files
        ]

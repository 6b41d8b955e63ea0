"""Find delivered files in the landing folder and land each one, source by source."""

from __future__ import annotations

from pathlib import Path

from pipelines.config import Settings
from pipelines.contracts.model import Contract
from pipelines.contracts.validation import ContractValidator
from pipelines.ingest import ledger
from pipelines.ingest.batches import BatchOutcome, PendingBatch, ensure_raw_table, finish, identify
from pipelines.warehouse.connection import connect

# Files are validated together (GX has a fixed cost per run) up to about this many rows, so that
# memory stays bounded however many months are waiting.
CHUNK_ROWS = 1_000_000


def delivered_files(landing_dir: Path, contract: Contract) -> list[Path]:
    """Files for one source, oldest delivery first (file names carry the delivery month)."""
    folder = landing_dir / contract.id
    return sorted(p for p in folder.glob(contract.file_pattern) if p.is_file())


def land_source(
    settings: Settings, contract: Contract, validator: ContractValidator
) -> list[BatchOutcome]:
    files = delivered_files(settings.landing_dir, contract)
    outcomes: list[BatchOutcome] = []
    with connect(settings.duckdb_path) as con:
        ledger.ensure_ledger(con)
        ensure_raw_table(con, contract)
        seen, loaded = ledger.seen_files(con), ledger.loaded_hashes(con)
        chunk: list[PendingBatch | BatchOutcome] = []
        chunk_rows = 0
        for path in files:
            chunk.append(identify(con, contract, path, seen, loaded))
            chunk_rows += getattr(chunk[-1], "rows_read", None) or 0
            if chunk_rows >= CHUNK_ROWS:
                outcomes += _validate_and_finish(con, settings, contract, validator, chunk, seen,
                                                 loaded)
                chunk, chunk_rows = [], 0
        outcomes += _validate_and_finish(con, settings, contract, validator, chunk, seen, loaded)
    return outcomes


def _validate_and_finish(con, settings, contract, validator, chunk, seen, loaded):
    """One GX run for the readable files of the chunk, then load or quarantine each, in order."""
    readable = [p for p in chunk if isinstance(p, PendingBatch) and p.findings is None]
    results = validator.validate_batches(contract, [p.landed.frame for p in readable]) \
        if readable else []
    validations = {p.batch_id: r for p, r in zip(readable, results, strict=True)}
    return [finish(con, contract, p, validations.get(p.batch_id), settings.quarantine_dir, seen,
                   loaded) if isinstance(p, PendingBatch) else p for p in chunk]

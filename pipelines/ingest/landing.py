"""Find delivered files in the landing folder and land each one, source by source.

Files are identified (hashed) in delivery order, then grouped in chunks of about ``CHUNK_ROWS``
rows. A worker thread reads and validates the next chunk while this thread loads the current one,
in order (DuckDB's reading and loading release the GIL, so they overlap with validation). Each file
still commits (its rows and its ledger row) on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipelines.config import Settings
from pipelines.contracts.model import Contract
from pipelines.contracts.validation import ContractValidator, ValidationResult
from pipelines.ingest import ledger
from pipelines.ingest.batches import (
    BatchOutcome,
    PendingBatch,
    ensure_raw_table,
    finish,
    identify,
    read,
    record_duplicate,
)
from pipelines.warehouse.connection import connect

# Files are validated together (GX has a fixed cost per run) up to about this many rows.
CHUNK_ROWS = 1_000_000
# Chunks read and validated at once, ahead of the loader; with the one being loaded, this bounds
# memory to about (WORKERS + 1) x CHUNK_ROWS rows. On the full-ICS benchmark (2 cores) one worker
# took 115-124 s and 2.1 GB; a second saved about 10%, as GX's pandas work mostly holds the GIL.
WORKERS = 1

Chunk = list[PendingBatch | BatchOutcome]


def delivered_files(landing_dir: Path, contract: Contract) -> list[Path]:
    """Files for one source, oldest delivery first (file names carry the delivery month)."""
    folder = landing_dir / contract.id
    return sorted(p for p in folder.glob(contract.file_pattern) if p.is_file())


def land_source(
    settings: Settings, contract: Contract, validator: ContractValidator,
    on_file: Callable[[BatchOutcome], None] | None = None,
) -> list[BatchOutcome]:
    """Land every delivered file of one source; `on_file` hears about each as it is done."""
    files = delivered_files(settings.landing_dir, contract)
    outcomes: list[BatchOutcome] = []
    with connect(settings.duckdb_path) as con:
        ledger.ensure_ledger(con)
        ensure_raw_table(con, contract)
        seen, claimed = ledger.seen_files(con), ledger.loaded_hashes(con)
        identified = [identify(contract, path, seen, claimed) for path in files]
        for chunk, validations in _validated_chunks(contract, identified, validator):
            for item in chunk:
                if isinstance(item, PendingBatch):
                    outcomes.append(finish(con, contract, item, validations.get(item.batch_id),
                                           settings.quarantine_dir, seen))
                    item.landed = None  # loaded: let the frame go (`identified` keeps the item)
                elif item.status == "duplicate":
                    outcomes.append(record_duplicate(con, item, seen))
                else:
                    outcomes.append(item)
                if on_file is not None:
                    on_file(outcomes[-1])
    return outcomes


def _chunks(identified: Chunk) -> Iterator[Chunk]:
    chunk: Chunk = []
    rows = 0
    for item in identified:
        chunk.append(item)
        rows += getattr(item, "rows_hint", 0)
        if rows >= CHUNK_ROWS:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def _validated_chunks(contract, identified, validator
                      ) -> Iterator[tuple[Chunk, dict[str, ValidationResult]]]:
    """Chunks in delivery order, up to ``WORKERS`` of them prepared ahead of the caller."""
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix=f"land-{contract.id}") as pool:
        ahead = []
        for chunk in _chunks(identified):
            ahead.append(pool.submit(_prepare_chunk, contract, chunk, validator))
            if len(ahead) > WORKERS:
                yield ahead.pop(0).result()
        for future in ahead:
            yield future.result()


def _prepare_chunk(contract, chunk: Chunk, validator: ContractValidator):
    """Read the chunk's new files, then validate the readable ones in one GX run."""
    pending = [read(contract, item) for item in chunk if isinstance(item, PendingBatch)]
    readable = [p for p in pending if p.findings is None]
    results = validator.validate_batches(contract, [p.landed.frame for p in readable]) \
        if readable else []
    return chunk, {p.batch_id: r for p, r in zip(readable, results, strict=True)}

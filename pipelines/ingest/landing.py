"""Find delivered files in the landing folder and land each one, source by source.

Files are identified (hashed) in delivery order and taken in chunks of about ``CHUNK_ROWS`` rows:
each chunk's files are read into DuckDB together (one parallel scan) and validated together (GX
runs over the chunk's value domains); refused files are quarantined, and the rest are loaded with
their ledger rows in one transaction per chunk. The rows never pass through Python objects (only a
feed's clear NHS numbers do, through the keyed hash that replaces them as the file is scanned).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pipelines.config import Settings
from pipelines.contracts.model import Contract
from pipelines.contracts.validation import ContractValidator
from pipelines.ingest import ledger
from pipelines.ingest.batches import (
    BatchOutcome,
    PendingBatch,
    check_file,
    ensure_raw_table,
    identify,
    load,
    quarantine,
    read_chunk,
    record_duplicate,
)
from pipelines.ingest.reader import LANDED, register_pseudonymiser
from pipelines.warehouse.connection import connect

# Rows read and validated together. Larger chunks scan in parallel better and pay GX's fixed cost
# (~0.2 s a run) less often; memory grows with them (about 0.2 GB per million rows of gp_events).
CHUNK_ROWS = 2_000_000

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
        register_pseudonymiser(con, contract)
        seen, claimed = ledger.seen_files(con), ledger.loaded_hashes(con)
        identified = [identify(contract, path, seen, claimed) for path in files]
        for chunk in _chunks(identified):
            pending = [check_file(con, contract, item) for item in chunk
                       if isinstance(item, PendingBatch)]
            validations = {}
            if pending:
                read_chunk(con, contract, pending)
                readable = [p.landed_name for p in pending if p.findings is None]
                validations = validator.validate_landed(con, contract, readable)
            done: dict[str, BatchOutcome] = {}
            to_load = []
            for item in pending:
                validation = validations.get(item.landed_name)
                refused = quarantine(con, contract, item, validation, settings.quarantine_dir)
                if refused:
                    done[item.batch_id] = refused
                else:
                    to_load.append((item, validation))
            done |= {o.batch_id: o for o in load(con, contract, to_load, seen)}
            for item in chunk:
                if isinstance(item, PendingBatch):
                    outcomes.append(done[item.batch_id])
                elif item.status == "duplicate":
                    outcomes.append(record_duplicate(con, item, seen))
                else:
                    outcomes.append(item)
                if on_file is not None:
                    on_file(outcomes[-1])
        con.execute(f"drop table if exists {LANDED}")
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

"""Find delivered files in the landing folder and land each one, source by source.

Files are identified (hashed) in delivery order and taken in chunks of about ``CHUNK_ROWS`` rows:
each chunk's files are read into DuckDB together (one parallel scan) and validated together (GX
runs over the chunk's value domains); refused files are quarantined, and the rest are loaded with
their ledger rows in one transaction per chunk. The rows never pass through Python objects (only a
feed's clear NHS numbers do, through the keyed hash that replaces them as the file is scanned).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.contracts.model import Contract
from pipelines.landing.batch import Batch, BatchStatus, record
from pipelines.landing.identify import identify
from pipelines.landing.pseudonymise import register_pseudonymiser
from pipelines.landing.quarantine import quarantine_batch
from pipelines.landing.raw import ensure_raw_table, load
from pipelines.landing.reader import read_batches
from pipelines.landing.scratch import drop_landed
from pipelines.landing.validation import ContractValidator
from pipelines.ops import ledger
from pipelines.warehouse.connection import connect

# Rows read and validated together. Larger chunks scan in parallel better and pay GX's fixed cost
# (~0.2 s a run) less often; memory grows with them (about 0.2 GB per million rows of gp_events).
CHUNK_ROWS = 2_000_000


def delivered_files(landing_dir: Path, contract: Contract) -> list[Path]:
    """Files for one source, oldest delivery first (file names carry the delivery month)."""
    folder = landing_dir / contract.id
    return sorted(p for p in folder.glob(contract.file_pattern) if p.is_file())


def land_all(settings: Settings, sources: Iterable[Contract],
             validator: ContractValidator | None = None,
             on_file: Callable[[Batch], None] | None = None) -> list[Batch]:
    """Land every delivered file of each source, in the order given; `on_file` hears about each
    file as it ends (loaded, quarantined, duplicate or already loaded). A validator may be shared
    between calls (it keeps the Great Expectations suites it has built)."""
    validator = validator or ContractValidator()
    batches: list[Batch] = []
    for contract in sources:
        batches += _land_source(settings, contract, validator, on_file or (lambda batch: None))
    return batches


def _land_source(settings: Settings, contract: Contract, validator: ContractValidator,
                 on_file: Callable[[Batch], None]) -> list[Batch]:
    files = delivered_files(settings.landing_dir, contract)
    with connect(settings.duckdb_path) as con:
        ledger.ensure_ledger(con)
        ensure_raw_table(con, contract)
        register_pseudonymiser(con, contract)
        # every file is identified before any is read, so the ledger is consulted once
        seen, claimed = ledger.seen_files(con), ledger.loaded_hashes(con)
        batches = [identify(contract, path, seen, claimed) for path in files]
        for chunk in _chunks(batches):
            _land_chunk(con, settings, contract, validator, chunk)
            for batch in chunk:
                if batch.status == BatchStatus.DUPLICATE:
                    record(con, batch)
                on_file(batch)
        drop_landed(con)
    return batches


def _land_chunk(con: duckdb.DuckDBPyConnection, settings: Settings, contract: Contract,
                validator: ContractValidator, chunk: list[Batch]) -> None:
    """Read, validate, then quarantine or load the chunk's new files (the others are left as
    identified: duplicate or already loaded)."""
    new = [batch for batch in chunk if batch.status == BatchStatus.IDENTIFIED]
    if not new:
        return
    read_batches(con, contract, new)
    validator.validate_batches(con, contract, new)
    for batch in new:
        if batch.findings:
            quarantine_batch(con, batch, settings.quarantine_dir)
    load(con, contract, [batch for batch in new if batch.status == BatchStatus.VALIDATED])


def _chunks(batches: list[Batch]) -> Iterator[list[Batch]]:
    chunk: list[Batch] = []
    rows = 0
    for batch in batches:
        chunk.append(batch)
        rows += batch.rows_hint
        if rows >= CHUNK_ROWS:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk

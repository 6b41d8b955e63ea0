"""Find delivered files in the landing folder and land each one, source by source.

Files are identified (checked by ``paths``, hashed) in delivery order and taken in chunks of about
``CHUNK_ROWS`` rows: each chunk's files are read into DuckDB together (one parallel scan) and
validated together (GX runs over the chunk's value domains); refused files are quarantined, and the
rest are loaded with their ledger rows in one transaction per chunk. The rows never pass through
Python objects (only a feed's clear NHS numbers do, through the keyed hash that replaces them as
the file is scanned).

If reading, validating or loading a chunk raises, the chunk is landed again file by file: a file
that still fails is quarantined with the finding its failure maps to (``findings.finding_for_error``:
rule, and a value-free detail) and the others go on. A failure of the machine (a full disk) stops
the landing as a ``StorageError``, with the warehouse as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.config import Settings
from pipelines.contracts.model import Contract
from pipelines.errors import PipelineError
from pipelines.landing import paths
from pipelines.landing.batch import Batch, BatchStatus, record
from pipelines.landing.findings import LOAD, READABLE, VALIDATION, finding_for_error
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
UNCHANGED = "no file of this chunk was loaded"


def delivered_files(landing_dir: Path, contract: Contract) -> list[Path]:
    """What landing will take from a source's folder (files, and links and other entries it will
    refuse), oldest delivery first (file names carry the delivery month)."""
    return [entry.path for entry in paths.source_entries(landing_dir, contract.id)]


def land_all(settings: Settings, sources: Iterable[Contract],
             validator: ContractValidator | None = None,
             on_file: Callable[[Batch], None] | None = None) -> list[Batch]:
    """Land every delivered file of each source, in the order given; `on_file` hears about each
    file as it ends (loaded, quarantined, duplicate, already loaded or refused). A validator may be
    shared between calls (it keeps the Great Expectations suites it has built). The landing folder
    must exist (UsageError)."""
    paths.require_landing_dir(settings.landing_dir)
    validator = validator or ContractValidator()
    # decided once, as the landing starts: the files landed now are synthetic or they are not
    synthetic = paths.synthetic_delivery(settings.landing_dir)
    batches: list[Batch] = []
    for contract in sources:
        batches += _land_source(settings, contract, validator, on_file or (lambda batch: None),
                                synthetic)
    return batches


def _land_source(settings: Settings, contract: Contract, validator: ContractValidator,
                 on_file: Callable[[Batch], None], synthetic: bool) -> list[Batch]:
    entries = paths.source_entries(settings.landing_dir, contract.id)
    with connect(settings.duckdb_path, config=settings.duckdb_config) as con:
        ledger.ensure_ledger(con)
        ledger.settle_unrecorded_synthetic(con, synthetic)
        ensure_raw_table(con, contract)
        register_pseudonymiser(con, contract)
        # every file is identified before any is read, so the ledger is consulted once
        seen, claimed = ledger.seen_files(con), ledger.loaded_hashes(con)
        sequence = itertools.count(ledger.next_delivery_seq(con))
        batches = [identify(contract, entry, seen, claimed, sequence) for entry in entries]
        for batch in batches:
            batch.synthetic = synthetic
        for chunk in _chunks(batches):
            _land_chunk_or_each_file(con, settings, contract, validator, chunk)
            for batch in chunk:
                if batch.status == BatchStatus.DUPLICATE:
                    record(con, batch)
                on_file(batch)
        drop_landed(con)
    return batches


def _land_chunk_or_each_file(con: duckdb.DuckDBPyConnection, settings: Settings,
                             contract: Contract, validator: ContractValidator,
                             chunk: list[Batch]) -> None:
    try:
        _land_chunk(con, settings, contract, validator, chunk)
        return
    except _StageFailed:
        pass  # some file of the chunk: find which, landing each on its own
    for batch in chunk:
        if batch.ended:
            continue
        batch.start_again()
        try:
            _land_chunk(con, settings, contract, validator, [batch])
        except _StageFailed as failed:
            batch.start_again()
            batch.findings.append(finding_for_error(failed.__cause__, failed.rule,
                                                    settings.duckdb_path, UNCHANGED))
            quarantine_batch(con, batch, settings.quarantine_dir)


def _land_chunk(con: duckdb.DuckDBPyConnection, settings: Settings, contract: Contract,
                validator: ContractValidator, chunk: list[Batch]) -> None:
    """Quarantine the chunk's files refused unread; read, validate, then quarantine or load the
    rest (the others are left as identified: duplicate, already loaded or refused)."""
    new = [batch for batch in chunk if batch.status == BatchStatus.IDENTIFIED]
    for batch in new:
        if batch.findings:  # refused before it was read
            quarantine_batch(con, batch, settings.quarantine_dir)
    readable = [batch for batch in new if not batch.findings]
    if not readable:
        return
    with _stage(READABLE):
        read_batches(con, contract, readable)
    with _stage(VALIDATION):
        validator.validate_batches(con, contract, readable)
    for batch in readable:
        if batch.findings:
            quarantine_batch(con, batch, settings.quarantine_dir)
    with _stage(LOAD):
        load(con, contract, [batch for batch in readable if batch.status == BatchStatus.VALIDATED],
             settings.duckdb_path)


class _StageFailed(Exception):
    """Reading, validating or loading raised (the error is the ``__cause__``)."""

    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


@contextmanager
def _stage(rule: str) -> Iterator[None]:
    """Mark a failure of this stage as one a file may be to blame for (the rule it would break);
    a PipelineError (a full disk) is the machine's and goes straight up."""
    try:
        yield
    except PipelineError:
        raise
    except Exception as error:
        raise _StageFailed(rule) from error


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

"""Land delivered files (batches): hash → read → check schema → validate → load or quarantine.

A batch is loaded into ``raw.<source>`` and recorded in the ledger in one DuckDB transaction, so a
crash leaves the warehouse as it was and a re-run loads the batch again from the landing folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.contracts.model import Contract
from pipelines.contracts.validation import REDACTED, ValidationResult
from pipelines.ingest import ledger
from pipelines.ingest.pseudonymise import load_key, nhs_number_is_valid, pseudonymise
from pipelines.ingest.quarantine import Finding, quarantine_file
from pipelines.ingest.reader import LandedFrame, MalformedFile, SchemaDrift, check_schema, read_landed_file

RAW_SCHEMA = "raw"
# Columns the pipeline adds to every raw row.
LINEAGE_COLUMNS = {"_batch_id": "VARCHAR", "_row_number": "BIGINT", "_dq_flags": "VARCHAR"}


@dataclass(frozen=True)
class BatchOutcome:
    source: str
    file_name: str
    batch_id: str
    status: str  # loaded | quarantined | duplicate | already_loaded
    rows_read: int = 0
    rows_loaded: int = 0
    rows_flagged: int = 0
    message: str = ""
    findings: tuple[Finding, ...] = ()
    quarantine_path: Path | None = None
    sha256: str = ""
    received: datetime | None = None


def sha256_and_lines(path: Path) -> tuple[str, int]:
    """The file's SHA-256 and its number of line breaks (one pass over the bytes)."""
    digest, lines = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            lines += chunk.count(b"\n")
    return digest.hexdigest(), lines


def batch_id_for(source: str, file_name: str, sha256: str) -> str:
    """Deterministic: the same file delivered again gets the same id."""
    return hashlib.sha256(f"{source}/{file_name}/{sha256}".encode()).hexdigest()[:16]


def ensure_raw_table(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    columns = [(c.raw_name, c.type) for c in contract.columns] + list(LINEAGE_COLUMNS.items())
    ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
    con.execute(f'create table if not exists {RAW_SCHEMA}."{contract.id}" ({ddl})')
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, contract.id],
        ).fetchall()
    }
    for name, sql_type in columns:  # a contract that gained a column: older batches hold NULL
        if name not in existing:
            con.execute(f'alter table {RAW_SCHEMA}."{contract.id}" add column "{name}" {sql_type}')


def _findings(validation: ValidationResult) -> list[Finding]:
    return [
        Finding(r.rule.kind, r.rule.column or ",".join(r.rule.params.get("columns", [])) or None,
                r.failing_count, r.examples)
        for r in validation.rejections
    ]


@dataclass
class PendingBatch:
    """A delivered file on its way in: identified, read and schema-checked, awaiting validation."""

    path: Path
    sha256: str
    batch_id: str
    received: datetime
    rows_hint: int = 0
    landed: LandedFrame | None = None
    findings: list[Finding] | None = None  # set when the file could not be read or drifted

    @property
    def rows_read(self) -> int | None:
        return len(self.landed.frame) if self.landed is not None else None


def identify(contract: Contract, path: Path, seen, claimed) -> PendingBatch | BatchOutcome:
    """Hash the file and decide whether it is new. Files are identified in delivery order, so the
    first delivery of some content claims it and a later copy under another name is a duplicate.

    ``seen`` holds (source, file name, sha256) already in the ledger; ``claimed`` maps (source,
    sha256) to the batch that holds, or is about to hold, that content.
    """
    sha, lines = sha256_and_lines(path)
    batch_id = batch_id_for(contract.id, path.name, sha)
    received = datetime.now()
    if (contract.id, path.name, sha) in seen:
        return BatchOutcome(contract.id, path.name, batch_id, "already_loaded")
    if (contract.id, sha) in claimed:
        message = f"same content as batch {claimed[(contract.id, sha)]}; not loaded again"
        return BatchOutcome(contract.id, path.name, batch_id, "duplicate", message=message,
                            sha256=sha, received=received)
    claimed[(contract.id, sha)] = batch_id
    return PendingBatch(path, sha, batch_id, received, rows_hint=_rows_hint(path, contract, lines))


def read(contract: Contract, pending: PendingBatch) -> PendingBatch:
    """Read and schema-check the file, pseudonymise it; a file that cannot be read gets findings.
    Touches no warehouse, so files are read in worker threads."""
    try:
        pending.landed = read_landed_file(pending.path, contract)
        check_schema(pending.landed, contract)
        pending.findings = _pseudonymise(contract, pending.landed.frame)
    except MalformedFile as error:
        pending.findings = [Finding("readable_file", None, None, (str(error),))]
    except SchemaDrift as error:
        pending.findings = [Finding("schema", ", ".join(error.columns), None, (str(error),))]
    return pending


def _rows_hint(path: Path, contract: Contract, lines: int) -> int:
    """Rows expected in the file, to size chunks before reading it (a wrong guess costs nothing)."""
    if contract.format == "parquet":
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (pa.ArrowException, OSError):
            return 0
    return max(lines - 1, 0)


def record_duplicate(con, outcome: BatchOutcome, seen) -> BatchOutcome:
    ledger.record(con, ledger.Batch(outcome.batch_id, outcome.source, outcome.file_name,
                                    outcome.sha256, outcome.received, None, 0, 0, "duplicate",
                                    outcome.message))
    seen.add((outcome.source, outcome.file_name, outcome.sha256))
    return outcome


def _pseudonymise(contract: Contract, frame) -> list[Finding] | None:
    """Replace clear NHS numbers by keyed pseudonyms in place; a bad checksum rejects the file."""
    findings = []
    clear_columns = [c for c in contract.columns if c.pseudonymise_into]
    key = load_key() if clear_columns else b""
    for column in clear_columns:
        valid = frame[column.name].map(lambda v: v is None or pd.isna(v) or nhs_number_is_valid(v))
        if not valid.all():
            findings.append(Finding("nhs_number_checksum", column.name, int((~valid).sum()),
                                    (REDACTED,)))
        frame[column.pseudonymise_into] = pseudonymise(frame[column.name], key)
        frame.drop(columns=column.name, inplace=True)  # the clear value goes no further
    return findings or None


def finish(con, contract: Contract, pending: PendingBatch, validation: ValidationResult | None,
           quarantine_root: Path, seen) -> BatchOutcome:
    """Quarantine the file if it broke a reject rule; otherwise load it and its ledger row in one
    transaction."""
    findings = pending.findings if pending.findings is not None else _findings(validation)
    name, batch_id = pending.path.name, pending.batch_id
    if findings:
        target = quarantine_file(pending.path, contract.id, batch_id, quarantine_root, findings)
        message = "; ".join(f.describe() for f in findings)
        ledger.record(con, ledger.Batch(batch_id, contract.id, name, pending.sha256,
                                        pending.received, pending.rows_read, 0, 0, "quarantined",
                                        message))
        return BatchOutcome(contract.id, name, batch_id, "quarantined", pending.rows_read or 0,
                            message=message, findings=tuple(findings), quarantine_path=target)

    frame = pending.landed.frame
    flags = validation.flags_by_row
    dq_flags = np.full(len(frame), None, dtype=object)  # filled only where a flag rule broke
    for row, names in flags.items():
        dq_flags[row] = ";".join(names)
    frame["_batch_id"] = batch_id
    frame["_row_number"] = np.arange(1, len(frame) + 1)
    frame["_dq_flags"] = dq_flags
    casts = ", ".join(f'cast("{c.raw_name}" as {c.type}) as "{c.raw_name}"'
                      for c in contract.columns)
    message = "; ".join(f"{r.rule.name}: {r.failing_count} row(s) flagged" for r in validation.flags)
    con.execute("begin transaction")
    try:
        con.register("landed_batch", frame)
        con.execute(
            f'insert into {RAW_SCHEMA}."{contract.id}" '
            f'select {casts}, "_batch_id", "_row_number", "_dq_flags" from landed_batch'
        )
        ledger.record(con, ledger.Batch(batch_id, contract.id, name, pending.sha256,
                                        pending.received, len(frame), len(frame), len(flags),
                                        "loaded", message))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("landed_batch")
    seen.add((contract.id, name, pending.sha256))
    return BatchOutcome(contract.id, name, batch_id, "loaded", len(frame), len(frame), len(flags),
                        message)

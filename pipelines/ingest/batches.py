"""Land delivered files (batches): hash → check schema → read → validate → load or quarantine.

A batch is loaded into ``raw.<source>`` and recorded in the ledger in one DuckDB transaction, so a
crash leaves the warehouse as it was and a re-run loads the batch again from the landing folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.contracts.model import Contract
from pipelines.contracts.validation import REDACTED, ValidationResult
from pipelines.ingest import ledger
from pipelines.ingest.quarantine import Finding, quarantine_file
from pipelines.ingest.reader import (
    FILE_COLUMN,
    FLAGS_COLUMN,
    LANDED,
    FileSchema,
    MalformedFile,
    SchemaDrift,
    check_schema,
    create_landed,
    file_schema,
    read_into_landed,
    valid_flag_column,
)

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


@dataclass
class PendingBatch:
    """A delivered file on its way in: identified, then read into `landed` and validated."""

    path: Path
    sha256: str
    batch_id: str
    received: datetime
    rows_hint: int = 0
    schema: FileSchema | None = None
    findings: list[Finding] | None = None  # set when the file cannot be read or drifted

    @property
    def landed_name(self) -> str:
        """How `landed` names the file (DuckDB's `filename`)."""
        return str(self.path)


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


def check_file(con, contract: Contract, pending: PendingBatch) -> PendingBatch:
    """Read the file's header (or Parquet schema) and check it against the contract."""
    try:
        pending.schema = file_schema(con, pending.path, contract)
        check_schema(pending.schema, contract)
    except MalformedFile as error:
        pending.findings = [Finding("readable_file", None, None, (str(error),))]
    except SchemaDrift as error:
        pending.findings = [Finding("schema", ", ".join(error.columns), None, (str(error),))]
    return pending


def read_chunk(con, contract: Contract, pending: list[PendingBatch]) -> None:
    """Read the files that passed their schema check into a fresh `landed`; a file that cannot be
    parsed, or carries an NHS number with a wrong check digit, gets findings."""
    create_landed(con, contract)
    readable = {p.path: p.schema for p in pending if p.findings is None}
    failures = read_into_landed(con, contract, readable)
    for item in pending:
        if item.path in failures:
            item.findings = [Finding("readable_file", None, None, (str(failures[item.path]),))]
    for column in (c for c in contract.columns if c.pseudonymise_into):
        invalid = dict(con.execute(
            f'select {FILE_COLUMN}, count(*) from {LANDED} '
            f'where not "{valid_flag_column(column.name)}" group by 1').fetchall())
        for item in pending:
            if invalid.get(item.landed_name):
                item.findings = (item.findings or []) + [
                    Finding("nhs_number_checksum", column.name, invalid[item.landed_name],
                            (REDACTED,))]


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


def quarantine(con, contract: Contract, pending: PendingBatch, validation: ValidationResult | None,
               quarantine_root: Path) -> BatchOutcome | None:
    """If the file could not be read or broke a reject rule, move it to quarantine with its report
    and record that in the ledger; otherwise None (the file is to be loaded)."""
    findings = (pending.findings or []) + _findings(validation)
    if not findings:
        return None
    name, batch_id = pending.path.name, pending.batch_id
    rows_read = validation.rows if validation is not None else None
    target = quarantine_file(pending.path, contract.id, batch_id, quarantine_root, findings)
    message = "; ".join(f.describe() for f in findings)
    ledger.record(con, ledger.Batch(batch_id, contract.id, name, pending.sha256, pending.received,
                                    rows_read, 0, 0, "quarantined", message))
    return BatchOutcome(contract.id, name, batch_id, "quarantined", rows_read or 0,
                        message=message, findings=tuple(findings), quarantine_path=target)


def load(con, contract: Contract, batches: list[tuple[PendingBatch, ValidationResult]], seen
         ) -> list[BatchOutcome]:
    """Load the files' rows from `landed` into the raw table, cast to the contract's types, and
    their ledger rows, in one transaction: each file is in the warehouse whole, with its ledger row,
    or not at all. One INSERT for all of them (DuckDB parallelises a large insert, not many small
    ones); a file's rows are contiguous in `landed`, so its row numbers come from the rowid."""
    if not batches:
        return []
    files = pa.table({"file": [p.landed_name for p, _ in batches],
                      "batch_id": [p.batch_id for p, _ in batches],
                      "first_row": [v.first_row for _, v in batches]})
    casts = ", ".join(f'cast(l."{c.raw_name}" as {c.type})' for c in contract.columns)
    outcomes = []
    con.register("loading_files", files)
    con.execute("begin transaction")
    try:
        con.execute(
            f'insert into {RAW_SCHEMA}."{contract.id}" select {casts}, f.batch_id, '
            f"l.rowid - f.first_row + 1, l.{FLAGS_COLUMN} from {LANDED} l "
            f"join loading_files f on l.{FILE_COLUMN} = f.file")
        for pending, validation in batches:
            message = "; ".join(f"{r.rule.name}: {r.failing_count} row(s) flagged"
                                for r in validation.flags)
            rows, flagged = validation.rows, validation.rows_flagged
            ledger.record(con, ledger.Batch(pending.batch_id, contract.id, pending.path.name,
                                            pending.sha256, pending.received, rows, rows, flagged,
                                            "loaded", message))
            outcomes.append(BatchOutcome(contract.id, pending.path.name, pending.batch_id,
                                         "loaded", rows, rows, flagged, message))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("loading_files")
    seen.update((contract.id, p.path.name, p.sha256) for p, _ in batches)
    return outcomes


def _findings(validation: ValidationResult | None) -> list[Finding]:
    if validation is None:
        return []
    return [
        Finding(r.rule.kind, r.rule.column or ",".join(r.rule.params.get("columns", [])) or None,
                r.failing_count, r.examples)
        for r in validation.rejections
    ]

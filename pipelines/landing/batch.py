"""One delivered file on its way in, from the moment it is hashed to where it ends up.

A ``Batch`` is created when the file is identified and carries everything learnt about it as it is
read, validated and then loaded, quarantined or found to be a duplicate (its ``status``, a
``BatchStatus``). The same record is written to the ledger, shown in the run summary and given to
whoever called the landing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.ops import ledger
from pipelines.ops.ledger import BatchStatus

if TYPE_CHECKING:  # the modules that fill these in import this one
    from pipelines.landing.quarantine import Finding
    from pipelines.landing.reader import FileSchema
    from pipelines.landing.validation import ValidationResult

__all__ = ["Batch", "BatchStatus", "record"]


@dataclass
class Batch:
    source: str
    path: Path  # as delivered, in the landing folder
    sha256: str
    batch_id: str
    received_at: datetime
    status: BatchStatus = BatchStatus.IDENTIFIED
    rows_hint: int = 0  # rows expected, to size chunks before the file is read
    schema: FileSchema | None = None  # its columns, once its header has been read
    validation: ValidationResult | None = None
    rows_read: int | None = None  # None: the file could not be read
    rows_loaded: int = 0
    rows_flagged: int = 0
    message: str = ""
    findings: list[Finding] = field(default_factory=list)  # why it is refused, if it is
    quarantine_path: Path | None = None

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def landed_name(self) -> str:
        """How the scratch table names the file (DuckDB's ``filename``)."""
        return str(self.path)


def record(con: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    """The batch's ledger row, once it has ended loaded, quarantined or a duplicate."""
    ledger.record_batch(
        con, batch_id=batch.batch_id, source=batch.source, file_name=batch.file_name,
        sha256=batch.sha256, received_at=batch.received_at, status=batch.status,
        rows_read=batch.rows_read, rows_loaded=batch.rows_loaded, rows_flagged=batch.rows_flagged,
        message=batch.message)

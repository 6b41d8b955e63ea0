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

from pipelines.landing.findings import Finding
from pipelines.landing.paths import display_name
from pipelines.ops import ledger
from pipelines.ops.ledger import BatchStatus

if TYPE_CHECKING:  # the modules that fill these in import this one
    from pipelines.landing.identify import FileFacts
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
    delivery_seq: int | None = None  # its place in the order of deliveries (new files only)
    folder: tuple[int, int] | None = None  # (device, inode) of the source folder it was listed in
    synthetic: bool = False  # delivered beside the demo marker (paths.synthetic_delivery)
    facts: FileFacts | None = None  # what hashing its bytes said (None: refused unread)
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
        """Its name as messages and the ledger show it (a name outside the name rule is masked)."""
        return display_name(self.path.name)

    @property
    def ended(self) -> bool:
        return self.status in (BatchStatus.LOADED, BatchStatus.QUARANTINED, BatchStatus.DUPLICATE,
                               BatchStatus.ALREADY_LOADED, BatchStatus.REFUSED)

    def start_again(self) -> None:
        """Forget what reading and validating found, to land the file again on its own."""
        self.status, self.findings, self.schema, self.validation = BatchStatus.IDENTIFIED, [], None, None
        self.rows_read, self.rows_loaded, self.rows_flagged, self.message = None, 0, 0, ""

    @property
    def landed_name(self) -> str:
        """How the scratch table names the file (DuckDB's ``filename``)."""
        return str(self.path)


def record(con: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    """The batch's ledger row, once it has ended loaded, quarantined or a duplicate (a file
    delivered again under the same name and content replaces its row)."""
    ledger.record_batch(
        con, batch_id=batch.batch_id, source=batch.source, file_name=batch.file_name,
        sha256=batch.sha256, received_at=batch.received_at, status=batch.status,
        rows_read=batch.rows_read, rows_loaded=batch.rows_loaded, rows_flagged=batch.rows_flagged,
        message=batch.message, delivery_seq=batch.delivery_seq, synthetic=batch.synthetic)

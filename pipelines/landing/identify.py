"""Identify a delivered file: hash it and decide whether it is new, already loaded or a duplicate.

Files are identified in delivery order, so the first delivery of some content claims it and a later
copy under another name is a duplicate.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.contracts.model import Contract
from pipelines.landing.batch import Batch, BatchStatus


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


def identify(contract: Contract, path: Path, seen: set[tuple[str, str, str]],
             claimed: dict[tuple[str, str], str]) -> Batch:
    """A batch that is IDENTIFIED (new content, now claimed), ALREADY_LOADED or a DUPLICATE.

    ``seen`` holds (source, file name, sha256) already in the ledger; ``claimed`` maps (source,
    sha256) to the batch that holds, or is about to hold, that content.
    """
    sha, lines = sha256_and_lines(path)
    batch = Batch(contract.id, path, sha, batch_id_for(contract.id, path.name, sha), datetime.now())
    if (contract.id, path.name, sha) in seen:
        batch.status = BatchStatus.ALREADY_LOADED
    elif (contract.id, sha) in claimed:
        batch.status = BatchStatus.DUPLICATE
        batch.message = f"same content as batch {claimed[(contract.id, sha)]}; not loaded again"
    else:
        claimed[(contract.id, sha)] = batch.batch_id
        batch.rows_hint = _rows_hint(path, contract, lines)
    return batch


def _rows_hint(path: Path, contract: Contract, lines: int) -> int:
    """Rows expected in the file, to size chunks before reading it (a wrong guess costs nothing)."""
    if contract.format == "parquet":
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (pa.ArrowException, OSError):
            return 0
    return max(lines - 1, 0)

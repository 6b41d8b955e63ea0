"""Identify a delivered file: refuse what may not be read, hash the rest, and decide whether it is
new, already loaded or a duplicate.

Files are identified in delivery order (name order), so the first delivery of some content claims
it and a later copy under another name is a duplicate; each new file takes the next number of the
delivery sequence (``Batch.delivery_seq``), which decides which of two versions of a record with
the same extract date is the later one.

The one pass over the bytes that hashes a file also notes what the reader checks before DuckDB
reads it (``FileFacts``): its size, line breaks, NUL bytes, first and last bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.contracts.model import Contract
from pipelines.landing import paths
from pipelines.landing.batch import Batch, BatchStatus
from pipelines.landing.findings import UNREADABLE, Finding, Refused, describe_os_error

# The ledger's sha256 of a file refused without being read (a link, a FIFO, a name outside the
# rule, a file that could not be opened): not the hash of anything.
UNREAD_SHA256 = "0" * 64
HEAD_BYTES = 64 * 1024  # enough for any header line the contracts describe


@dataclass(frozen=True)
class FileFacts:
    """What one pass over a file's bytes says, before DuckDB reads it."""

    sha256: str
    size: int
    line_breaks: int
    nul_bytes: int
    head: bytes  # up to the first line break, within the first HEAD_BYTES
    tail: bytes  # the last 4 bytes
    fingerprint: paths.Fingerprint
    rows_hint: int  # rows expected, to size chunks before reading (a wrong guess costs nothing)


def read_facts(entry: paths.Entry, contract: Contract) -> FileFacts:
    """Hash the file through a descriptor opened without following links (``paths.open_regular``)."""
    handle, fingerprint = paths.open_regular(entry)
    with handle:
        digest, lines, nuls, size, head, tail = hashlib.sha256(), 0, 0, 0, b"", b""
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            nuls += chunk.count(b"\0")
            size += len(chunk)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            tail = (tail + chunk)[-4:]
        rows = _parquet_rows(handle) if contract.format == "parquet" else max(lines - 1, 0)
    first_break = head.find(b"\n")
    head = head[: first_break + 1] if first_break >= 0 else head  # the header line is all it needs
    return FileFacts(digest.hexdigest(), size, lines, nuls, head, tail, fingerprint, rows)


def _parquet_rows(handle) -> int:
    try:
        handle.seek(0)
        return pq.ParquetFile(handle).metadata.num_rows
    except (pa.ArrowException, OSError):
        return 0  # the reader says what is wrong with it


def batch_id_for(source: str, file_name: str, sha256: str) -> str:
    """Deterministic: the same file delivered again gets the same id."""
    return hashlib.sha256(f"{source}/{file_name}/{sha256}".encode()).hexdigest()[:16]


def identify(contract: Contract, entry: paths.Entry, seen: set[tuple[str, str, str]],
             claimed: dict[tuple[str, str], str], sequence: Iterator[int]) -> Batch:
    """A batch that is IDENTIFIED (new content, now claimed; with findings if it is refused
    unread), ALREADY_LOADED, a DUPLICATE, or REFUSED (gone before it could be read).

    ``seen`` holds (source, file name, sha256) already in the ledger; ``claimed`` maps (source,
    sha256) to the batch that holds, or is about to hold, that content; ``sequence`` numbers the
    new deliveries.
    """
    refusal = paths.refusal(entry, contract)
    if refusal is None:
        try:
            facts = read_facts(entry, contract)
        except Refused as refused:
            refusal = refused.finding
        except FileNotFoundError:
            batch = _batch(contract, entry, UNREAD_SHA256)
            batch.status = BatchStatus.REFUSED
            batch.message = "gone before it could be read: nothing was landed or recorded"
            return batch
        except OSError as error:
            refusal = Finding(UNREADABLE, None, None, f"cannot be opened ({describe_os_error(error)})")
    if refusal is not None:
        batch = _batch(contract, entry, UNREAD_SHA256)
        batch.findings.append(refusal)
        batch.delivery_seq = next(sequence)
        return batch
    batch = _batch(contract, entry, facts.sha256)
    batch.facts = facts
    if (contract.id, entry.name, facts.sha256) in seen:
        batch.status = BatchStatus.ALREADY_LOADED
    elif (contract.id, facts.sha256) in claimed:
        batch.status = BatchStatus.DUPLICATE
        batch.message = f"same content as batch {claimed[(contract.id, facts.sha256)]}; not loaded again"
    else:
        claimed[(contract.id, facts.sha256)] = batch.batch_id
        batch.rows_hint = facts.rows_hint
        batch.delivery_seq = next(sequence)
    return batch


def _batch(contract: Contract, entry: paths.Entry, sha256: str) -> Batch:
    return Batch(contract.id, entry.path, sha256, batch_id_for(contract.id, entry.name, sha256),
                 datetime.now(), folder=entry.folder)

"""Quarantine: move a refused file out of landing, with a report a person can read.

The report names the file, each broken rule, its column and how many rows break it, with a few
example values: never of an identifier column (``REDACTED``), each cut to ``EXAMPLE_CHARS`` and
escaped, so that a value holding line breaks, '|', backticks or markup cannot break the report.
It is written as Markdown for people and JSON for tools, beside the file, in
``quarantine/<source>/<batch id>/``. A file delivered again with the same name and content has the
same batch id: its report is replaced.

A file refused without being read (a link, a FIFO, a hard link, a name outside the rule) is moved
as the directory entry it is (a link as the link, never its target) and only by renaming: it is
never copied, since copying would read it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import duckdb

from pipelines.errors import storage_error
from pipelines.landing.batch import Batch, BatchStatus, record
from pipelines.landing.findings import REDACTED, Finding
from pipelines.landing.paths import display_name, same_folder

__all__ = ["REDACTED", "Finding", "quarantine_batch", "quarantine_file"]

EXAMPLE_CHARS = 40


def shown_example(value: str) -> str:
    """A failing value as the report shows it: at most EXAMPLE_CHARS characters, control and
    non-ASCII characters escaped (a line break shows as \\n), and nothing Markdown reads as markup."""
    if value == REDACTED:
        return value
    cut = value[:EXAMPLE_CHARS] + ("..." if len(value) > EXAMPLE_CHARS else "")
    escaped = cut.encode("unicode_escape").decode("ascii")
    for character in "\\`|*_[]<>#":
        escaped = escaped.replace(character, "\\" + character)
    return escaped


def _cell(text: str) -> str:
    """Text of the pipeline's own (a rule, a column, a detail) in a table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def quarantine_file(file: Path, source: str, batch_id: str, quarantine_root: Path,
                    findings: list[Finding], read: bool = True) -> Path:
    """Move ``file`` to quarantine/<source>/<batch_id>/ beside report.md and report.json (replacing
    a report already there). A file that was not ``read`` is only ever renamed."""
    target = quarantine_root / source / batch_id
    target.mkdir(parents=True, exist_ok=True)
    name = display_name(file.name)
    report = {
        "source": source,
        "file_name": name,
        "batch_id": batch_id,
        "findings": [{"rule": f.rule, "column": f.column, "failing_count": f.failing_count,
                      "detail": f.detail,
                      "examples": [v if v == REDACTED else v[:EXAMPLE_CHARS] for v in f.examples]}
                     for f in findings],
    }
    (target / "report.json").write_text(json.dumps(report, indent=2))
    lines = [
        f"# Quarantined: {name}",
        "",
        f"Source `{source}`, batch `{batch_id}`. The file broke its data contract "
        f"(`data_contracts/{source}.yml`) and nothing from it was loaded.",
        "",
        "| rule | column | failing rows | detail | examples |",
        "|---|---|---|---|---|",
    ]
    for f in findings:
        count = "" if f.failing_count is None else str(f.failing_count)
        examples = ", ".join(shown_example(v) for v in f.examples)
        lines.append(f"| {_cell(f.rule)} | {_cell(f.column or '(file)')} | {count} | "
                     f"{_cell(f.detail)} | {examples} |")
    lines += ["", "Fix the extract and deliver it again to the landing folder; "
              "the pipeline will pick it up on the next run."]
    (target / "report.md").write_text("\n".join(lines) + "\n")
    _move(file, target / file.name, copy_allowed=read)
    return target


def _move(source: Path, destination: Path, copy_allowed: bool) -> None:
    try:
        os.replace(source, destination)  # a rename: the entry itself, whatever it is
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        if source.is_symlink():  # another file system: the same link, made again there
            destination.unlink(missing_ok=True)
            os.symlink(os.readlink(source), destination)
            source.unlink()
        elif copy_allowed:
            shutil.move(source, destination)
        else:
            raise


def quarantine_batch(con: duckdb.DuckDBPyConnection, batch: Batch, quarantine_root: Path) -> None:
    """Move a batch that has findings to quarantine with its report, and record it in the ledger.
    A file gone in the meantime ends REFUSED (nothing to move or record); a full disk or a folder
    that cannot be written is a StorageError."""
    if batch.folder and not same_folder(batch.path, batch.folder):  # moving would move another file
        _refused(batch, "its source folder was replaced while it was landed, so it was left where "
                        "it is")
        return
    try:
        batch.quarantine_path = quarantine_file(batch.path, batch.source, batch.batch_id,
                                                quarantine_root, batch.findings,
                                                read=batch.facts is not None)
    except FileNotFoundError:
        _refused(batch, "gone from the landing folder before it could be quarantined")
        return
    except OSError as error:
        storage = storage_error(error, quarantine_root, "no file was loaded; the file is still in "
                                                        "the landing folder")
        if storage is not None:
            raise storage from None
        raise
    batch.status = BatchStatus.QUARANTINED
    batch.message = "; ".join(f.describe() for f in batch.findings)
    record(con, batch)


def _refused(batch: Batch, why: str) -> None:
    """Refused, but not moved to quarantine (nor recorded: there is no file there to record)."""
    batch.status = BatchStatus.REFUSED
    batch.message = "; ".join([*(f.describe() for f in batch.findings), why])

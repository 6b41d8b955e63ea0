"""Why a delivered file is refused, in words that never quote the file.

A ``Finding`` names the rule a file broke, the column and how many rows break it, with a detail in
the pipeline's own words (a line number, a count, a pattern: never a value). ``describe()`` is what
the batch message shows, and with it the ledger, the logs, the command line and the run summary.
Example values travel apart (``examples``), and only the quarantine report, which sits beside the
file itself, shows them.

``finding_for_error`` is the one mapping from a failure while a file was read, validated or loaded
(DuckDB, the file system, Arrow, Great Expectations) to a finding. DuckDB's messages often quote the
failing value or the whole line, so none is passed on: the mapping keeps only what it recognises (a
line number, column counts, the kind of failure) and says it again in its own words.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.errors import PipelineError, storage_error, storage_problem

# Shown instead of a failing value that is (or derives from) an identifier.
REDACTED = "<identifier withheld>"

# The rules a file can break before its values are checked (data_contracts/README.md lists them all).
FILE_NAME = "file_name"  # not a plain name, or not the contract's file pattern
SYMLINK = "symlink"  # a symbolic link: refused without following it
HARD_LINK = "hard_link"  # a file with more than one name: its content may belong elsewhere
NOT_A_REGULAR_FILE = "not_a_regular_file"  # a FIFO, socket or device
UNREADABLE = "unreadable_file"  # cannot be opened (permission)
CHANGED = "changed_during_landing"  # not the file that was hashed by the time it was read
READABLE = "readable_file"  # cannot be parsed as the contract's format
TRUNCATED = "truncated"  # cut short: no final line break, a short last row, no Parquet footer
SCHEMA = "schema"  # its columns are not the contract's
VALIDATION = "validation"  # validation itself failed on this file
LOAD = "load"  # the load into the raw layer failed on this file


@dataclass(frozen=True)
class Finding:
    rule: str
    column: str | None
    failing_count: int | None
    detail: str = ""  # in the pipeline's words: never a value from the file
    examples: tuple[str, ...] = ()  # failing values, for the quarantine report only

    def describe(self) -> str:
        """The finding as messages show it: rule, column, count and detail, never an example."""
        where = f"column {self.column}" if self.column else "whole file"
        text = f"rule '{self.rule}' on {where}"
        if self.failing_count is not None:
            text += f": {self.failing_count} failing row(s)"
        return text + (f" ({self.detail})" if self.detail else "")


class Refused(Exception):
    """Raised where a file is found to break a rule before its values are checked."""

    def __init__(self, finding: Finding):
        super().__init__(finding.describe())
        self.finding = finding


def refused(rule: str, detail: str, column: str | None = None, count: int | None = None) -> Refused:
    return Refused(Finding(rule, column, count, detail))


WITHHELD = "its message is withheld: it can quote the file"
# What DuckDB's messages say, recognised by fixed phrases; only the numbers are kept.
_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_PHRASES = (
    ("unterminated quote", "a quoted value is not closed"),
    ("invalid unicode", "not valid UTF-8"),
    ("maximum line size", "a line is longer than DuckDB's maximum line size"),
    ("no magic bytes", "not a Parquet file (no Parquet footer)"),
    ("too small to be a parquet file", "not a Parquet file"),
    ("tprotocolexception", "the Parquet metadata is damaged"),
    ("don't know what type", "the Parquet metadata is damaged"),
    ("could not convert", "a value could not be converted to its contract type"),
    ("conversion error", "a value could not be converted to its contract type"),
    ("out of range", "a value is out of range for its contract type"),
)


def describe_duckdb_error(error: BaseException) -> str:
    """A DuckDB error in value-free words: its kind, and a line number and column counts when it
    gives them. The message itself is never returned."""
    message = str(error)
    lowered = message.lower()
    line = _LINE.search(message)
    prefix = f"line {line.group(1)}: " if line else ""
    columns = _COLUMNS.search(message)
    if columns:
        return f"{prefix}expected {columns.group(1)} columns, found {columns.group(2)}"
    for phrase, meaning in _PHRASES:
        if phrase in lowered:
            return prefix + meaning
    kind = type(error).__name__.removesuffix("Exception")
    kind = "" if kind == "Error" else f" {kind}"
    return f"{prefix}DuckDB{kind} error ({WITHHELD})"


def describe_os_error(error: OSError) -> str:
    """A file-system error by its errno, never its text (which names paths the caller knows)."""
    if error.errno is None:
        return type(error).__name__
    return f"{errno.errorcode.get(error.errno, error.errno)}: {os.strerror(error.errno).lower()}"


def finding_for_error(error: BaseException, rule: str, where: Path, unchanged: str) -> Finding:
    """The finding for a file whose read, validation or load raised ``error``.

    A failure of the machine rather than the file is raised instead: a full disk or a read-only
    folder (``StorageError`` naming ``where`` and what was left ``unchanged``), or running out of
    memory; so is anything that is already a ``PipelineError``."""
    if isinstance(error, Refused):
        return error.finding
    if isinstance(error, PipelineError):
        raise error
    if isinstance(error, (MemoryError, duckdb.OutOfMemoryException)):
        raise PipelineError(f"out of memory while landing: nothing was changed ({unchanged}). "
                            "Free memory, or land fewer files at a time, and run again.") from None
    problem = storage_problem(error)
    if problem == "permission was denied" and rule == READABLE:  # the delivered file's, not ours
        return Finding(UNREADABLE, None, None, "permission denied")
    if problem is not None:
        raise storage_error(error, where, unchanged) from None
    if isinstance(error, duckdb.Error):
        return Finding(rule, None, None, describe_duckdb_error(error))
    if isinstance(error, UnicodeError):
        return Finding(rule, None, None, "not valid UTF-8")
    if isinstance(error, OSError):
        return Finding(UNREADABLE if rule == READABLE else rule, None, None,
                       describe_os_error(error))
    return Finding(rule, None, None, f"{type(error).__name__} ({WITHHELD})")

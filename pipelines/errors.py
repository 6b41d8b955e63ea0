"""Failures a person can act on, and the exit code each one ends a command with.

Anything raised as a ``PipelineError`` carries a message that says what happened, where, and what to
do; the command line prints it as one ``ERROR:`` line (no traceback unless ``--debug``) and exits
with the error's ``exit_code``. Any other exception is a bug: the command line still prints one
line, with the hint to rerun with ``--debug``, and exits 1.

Exit codes (README "Commands"): 0 success; 1 the run failed (a refused file, a failed build, a full
disk); 2 a usage or path error (wrong arguments, a missing folder or warehouse); 3 the warehouse is
busy (another run holds it).
"""

from __future__ import annotations

import errno
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUSY = 3


class PipelineError(Exception):
    """A failure with a message fit to show as it is."""

    exit_code = EXIT_FAILED


class UsageError(PipelineError):
    """Wrong arguments, or a path (landing folder, warehouse) that is missing or unusable."""

    exit_code = EXIT_USAGE


class WarehouseBusy(PipelineError):
    """Another run is writing the warehouse."""

    exit_code = EXIT_BUSY


class StorageError(PipelineError):
    """The disk is full, or a folder cannot be written: nothing was changed."""

    exit_code = EXIT_FAILED


# errno values and the DuckDB message fragments that mean the storage, not the data, failed
_STORAGE_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "the file size limit was reached",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission was denied",
    errno.EPERM: "permission was denied",
}
_STORAGE_PHRASES = {
    "no space left on device": "the disk is full",
    "file too large": "the file size limit was reached",
    "disk quota exceeded": "the disk quota is used up",
    "read-only file system": "the file system is read-only",
    "permission denied": "permission was denied",
}


def storage_problem(error: BaseException) -> str | None:
    """What went wrong with the storage, if ``error`` (an OSError or a DuckDB error, or one they
    caused) is a full disk, a size limit, a read-only folder or a denied permission."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _STORAGE_ERRNOS:
            return _STORAGE_ERRNOS[error.errno]
        text = str(error).lower()
        for phrase, meaning in _STORAGE_PHRASES.items():
            if phrase in text:
                return meaning
        error = error.__cause__ or error.__context__
    return None


def storage_error(error: BaseException, where: Path, unchanged: str) -> StorageError | None:
    """A ``StorageError`` naming the folder and what was left unchanged, or None when ``error``
    is not about storage."""
    problem = storage_problem(error)
    if problem is None:
        return None
    return StorageError(f"cannot write under {where}: {problem}. Nothing was changed: {unchanged}. "
                        "Free some space (or fix the folder's permissions) and run the command "
                        "again.")

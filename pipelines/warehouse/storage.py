"""A full disk or an unwritable folder, said as such: which folder, and what was left unchanged.

DuckDB reports a full disk as, for example, "TransactionContext Error: Failed to commit: Could not
write file ".../warehouse.duckdb.wal": No space left on device", and a rollback after a failed
commit hides even that behind "cannot rollback - no transaction is active". ``storage_errors``
turns any such failure (the cause is found along the exception's chain) into one ``StorageError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import PipelineError, storage_error

_QUOTED_FILE = re.compile(r'file "([^"]+)"', re.IGNORECASE)


def failed_path(error: BaseException) -> Path | None:
    """The file a storage failure was writing, when the error (or one it came from) names it."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.filename:
            return Path(error.filename if not error.filename2 else error.filename2)
        match = _QUOTED_FILE.search(str(error))
        if match:
            return Path(match.group(1))
        error = error.__cause__ or error.__context__
    return None


@contextmanager
def storage_errors(where: Path, unchanged: str) -> Iterator[None]:
    """Re-raise a storage failure in the block as a ``StorageError`` naming the folder (the one
    the failing file is in when the error says, else ``where``) and ``unchanged``."""
    try:
        yield
    except PipelineError:
        raise
    except Exception as error:
        path = failed_path(error)
        failure = storage_error(error, path.parent if path else where, unchanged)
        if failure is None:
            raise
        raise failure from error

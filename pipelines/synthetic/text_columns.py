"""Text columns for the extract frames, built through Arrow; and plain (numpy) text columns for
the frames the extracts read again and again.

pandas turns an object array of strings into its Arrow-backed ``str`` column by checking every
value in Python first; handing it an Arrow array instead skips that (several times faster) and
gives the same column. A column with no text at all stays as pandas would leave it (object, an
Arrow null column when written), so the written files do not change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def text_column(values) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """The ``str`` column pandas would make of `values` (str or None/NaN; scalars not allowed)."""
    values = np.asarray(values, dtype=object) if isinstance(values, list) else values
    arrow = pa.array(values, type=pa.large_string(), from_pandas=True)
    if values.dtype == object and arrow.null_count == len(arrow):
        return values
    return pd.array(arrow, dtype="str")


def repeated_text(value: str, n: int) -> pd.api.extensions.ExtensionArray:
    """A ``str`` column of `n` copies of `value` (a source_system and the like)."""
    return pd.array(pa.array([value], type=pa.large_string()).take(np.zeros(n, np.int64)),
                    dtype="str")


def coded_text(codes: np.ndarray, categories: np.ndarray) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """The ``str`` column of ``categories[codes]`` (None where a code is negative), made from the
    integer codes through an Arrow dictionary: no Python string per row. All empty: an object
    column of None, as pandas would leave it."""
    empty = codes < 0
    if empty.all():
        return np.full(codes.size, None, dtype=object)
    indices = pa.array(codes.astype(np.int32), mask=empty)
    labels = pa.array(np.asarray(categories, dtype=object), type=pa.large_string())
    return pd.array(pa.DictionaryArray.from_arrays(indices, labels).cast(pa.large_string()),
                    dtype="str")


def plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as numpy object columns. Pandas' default text columns are
    Arrow-backed: every `.to_numpy()` copies them into new Python strings, and the extracts read
    the people's columns (and their moves') month after month (a second per shard, measured)."""
    text = [c for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    return frame.astype(dict.fromkeys(text, object))

"""Pseudonymisation at landing, for a feed that carries clear NHS numbers.

A contract column declared with ``pseudonymise_into: person_id`` is checked (NHS number modulus 11)
and replaced, in memory and before anything is written, by a keyed hash: HMAC-SHA256 with the
project's key, first 16 hex digits, the same form as the upstream pseudonym. The key comes from
``PH_PSEUDO_KEY`` or the file named by ``PH_PSEUDO_KEY_FILE`` (keep it outside the repository).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.contracts.model import Contract

WEIGHTS = range(10, 1, -1)


class PseudonymisationKeyMissing(RuntimeError):
    pass


def nhs_number_is_valid(value: str | None) -> bool:
    """Ten digits whose modulus-11 check digit is right (NHS Data Dictionary)."""
    if value is None or len(value) != 10 or not value.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(value[:9], WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(value[9])


def load_key() -> bytes:
    if os.environ.get("PH_PSEUDO_KEY"):
        return os.environ["PH_PSEUDO_KEY"].encode()
    key_file = os.environ.get("PH_PSEUDO_KEY_FILE")
    if key_file and Path(key_file).is_file():
        return Path(key_file).read_bytes().strip()
    raise PseudonymisationKeyMissing(
        "a feed carries NHS numbers but no pseudonymisation key is set: set PH_PSEUDO_KEY, or "
        "PH_PSEUDO_KEY_FILE to a file outside the repository")


def pseudonymise(value: str | None, key: bytes) -> str | None:
    return None if value is None else hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


# Vectorised forms, registered as DuckDB functions so that landing replaces the clear value as the
# file is scanned. A missing number is "valid" here: whether it may be missing is the contract's
# not-null rule.
def pseudonymise_array(values: pa.Array, key: bytes) -> pa.Array:
    return pa.array([pseudonymise(v, key) for v in values.to_pylist()], pa.string())


def is_valid_array(values: pa.Array) -> pa.Array:
    return pa.array([v is None or nhs_number_is_valid(v) for v in values.to_pylist()], pa.bool_())


def register_pseudonymiser(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """SQL functions that check and replace clear NHS numbers as the file is scanned, so the clear
    value is never stored, not even in ``landed``. Needs the key only for a feed that has them."""
    if not any(c.pseudonymise_into for c in contract.columns):
        return
    key = load_key()
    functions: dict[str, tuple[Callable, duckdb.sqltypes.DuckDBPyType]] = {
        "ph_pseudonym": (lambda values: pseudonymise_array(values, key), duckdb.sqltype("VARCHAR")),
        "ph_nhs_number_valid": (is_valid_array, duckdb.sqltype("BOOLEAN")),
    }
    for name, (function, returns) in functions.items():
        try:
            con.remove_function(name)
        except duckdb.Error:
            pass
        con.create_function(name, function, [duckdb.sqltype("VARCHAR")], returns, type="arrow")

"""Read delivered files into the scratch table ``landed``, every value as text, or say clearly why
a file cannot be read.

DuckDB does the parsing (strictly: the contract's delimiter, UTF-8, every row the same width), so a
truncated file, a wrong delimiter or encoding, an empty file or a file that is not the declared
format becomes a ``MalformedFile`` with a plain message instead of a traceback. Values stay text
until validation has passed, so a bad value is reported by rule and column instead of failing a
cast; the load casts them to the contract's types.

The rows go into the scratch table ``landed`` (``scratch.py``), a chunk of files at a time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.contracts.model import Contract
from pipelines.landing.batch import Batch, BatchStatus
from pipelines.landing.quarantine import REDACTED, Finding
from pipelines.landing.scratch import (
    FILE_COLUMN,
    LANDED,
    create_landed,
    valid_flag_column,
)

# DuckDB type names for a Parquet column, reduced to the contract's vocabulary.
_PARQUET_TYPE_FAMILIES = {
    "BIGINT": {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT",
               "UTINYINT", "HUGEINT"},
    "DOUBLE": {"DOUBLE", "FLOAT", "DECIMAL"},
    "DATE": {"DATE"},
    "TIMESTAMP": {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S",
                  "TIMESTAMP WITH TIME ZONE"},
    "BOOLEAN": {"BOOLEAN"},
    "VARCHAR": {"VARCHAR"},
}


class MalformedFile(Exception):
    """The file cannot be parsed as the format its contract declares."""


class SchemaDrift(Exception):
    """The file parses but its columns differ from the contract: names or (Parquet) types."""

    def __init__(self, message: str, columns: list[str]):
        super().__init__(message)
        self.columns = columns


@dataclass(frozen=True)
class FileSchema:
    columns: list[str]
    types: dict[str, str]  # declared types in the file (Parquet) or VARCHAR (CSV)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]


def file_schema(con: duckdb.DuckDBPyConnection, path: Path, contract: Contract) -> FileSchema:
    """The file's columns (CSV: from its header line; Parquet: from its metadata)."""
    if path.stat().st_size == 0:
        raise MalformedFile("the file is empty (0 bytes)")
    if contract.format == "csv":
        names = _csv_header(path)
        return FileSchema(names, dict.fromkeys(names, "VARCHAR"))
    try:
        described = con.execute(f"describe select * from read_parquet({_sql_path(path)})").fetchall()
    except duckdb.Error as error:
        raise MalformedFile(f"cannot be read as PARQUET: {_first_line(error)}") from None
    return FileSchema([row[0] for row in described], {row[0]: str(row[1]).upper()
                                                       for row in described})


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            header = handle.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        raise MalformedFile("cannot be read as CSV: the header is not UTF-8 text") from None
    if not header:
        raise MalformedFile("cannot be read as CSV: the first line (header) is empty")
    if "," not in header:
        for other in (";", "\t", "|"):
            if other in header:
                raise MalformedFile(f"cannot be read as CSV: the header is delimited by {other!r}, "
                                    "the contract says ','")
    names = [name.strip().strip('"') for name in header.split(",")]
    if len(set(names)) != len(names):
        raise MalformedFile("cannot be read as CSV: the header repeats a column name")
    return names


def check_schema(schema: FileSchema, contract: Contract) -> None:
    """Raise SchemaDrift naming every missing, unexpected or re-typed column."""
    expected, found = contract.column_names, schema.columns
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    problems = []
    if missing:
        problems.append("missing column(s) " + ", ".join(missing))
    if extra:
        problems.append("unexpected column(s) " + ", ".join(extra))
        if len(found) == 1 and len(expected) > 1:
            problems.append("(one column only: is the file delimited with something other than ','?)")
        elif missing and len(missing) == len(extra):
            problems.append("(renamed? " + ", ".join(f"{a} -> {b}" for a, b in zip(missing, extra,
                                                                                     strict=True)) + ")")
    retyped = []
    if contract.format == "parquet":
        for column in contract.columns:
            actual = schema.types.get(column.name)
            if actual and actual.split("(")[0] not in _PARQUET_TYPE_FAMILIES[column.type]:
                retyped.append(column.name)
                problems.append(f"column {column.name} is {actual}, contract says {column.type}")
    if problems:
        raise SchemaDrift("; ".join(problems), missing + extra + retyped)


def _select_list(contract: Contract) -> str:
    parts = []
    for column in contract.columns:
        quoted = f'"{column.name}"'
        if column.pseudonymise_into:
            parts += [f'ph_pseudonym({quoted}) as "{column.raw_name}"',
                      f'ph_nhs_number_valid({quoted}) as "{valid_flag_column(column.name)}"']
        else:
            parts.append(f"cast({quoted} as varchar) as {quoted}")
    return ", ".join([*parts, f'filename as "{FILE_COLUMN}"'])


def _scan(contract: Contract, paths: list[Path], schema: FileSchema) -> str:
    files = "[" + ", ".join(_sql_path(p) for p in paths) + "]"
    if contract.format == "parquet":
        return f"read_parquet({files}, filename = true)"
    struct = ", ".join("'" + name.replace("'", "''") + "': 'VARCHAR'" for name in schema.columns)
    return (f"read_csv({files}, header = true, delim = ',', quote = '\"', all_varchar = true, "
            "strict_mode = true, encoding = 'utf-8', auto_detect = false, filename = true, "
            f"columns = {{{struct}}})")


def read_into_landed(con: duckdb.DuckDBPyConnection, contract: Contract,
                     files: dict[Path, FileSchema]) -> dict[Path, MalformedFile]:
    """Append the files' rows to ``landed``, in the given order; return the files that could not be
    parsed (nothing of them is kept). Files sharing a header are read in one parallel scan; if that
    fails, each is read alone to find the one at fault."""
    by_header: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    for path, schema in files.items():
        by_header[tuple(schema.columns)].append(path)
    failures: dict[Path, MalformedFile] = {}
    for paths in by_header.values():
        groups = [paths]
        while groups:
            group = groups.pop(0)
            try:
                con.execute(f"insert into {LANDED} by name select {_select_list(contract)} "
                            f"from {_scan(contract, group, files[group[0]])}")
            except duckdb.Error as error:
                if len(group) > 1:
                    groups = [[p] for p in group] + groups
                else:
                    failures[group[0]] = MalformedFile(
                        f"cannot be read as {contract.format.upper()}: {_first_line(error)}")
    return failures


def read_batches(con: duckdb.DuckDBPyConnection, contract: Contract, batches: list[Batch]) -> None:
    """Read the batches into a fresh ``landed``: each file's header is checked against the contract
    first; a file that drifted, cannot be parsed, or carries an NHS number with a wrong check digit
    gets findings, the others become READ."""
    for batch in batches:
        try:
            batch.schema = file_schema(con, batch.path, contract)
            check_schema(batch.schema, contract)
        except MalformedFile as error:
            batch.findings.append(Finding("readable_file", None, None, (str(error),)))
        except SchemaDrift as error:
            batch.findings.append(Finding("schema", ", ".join(error.columns), None, (str(error),)))
    create_landed(con, contract)
    readable = [b for b in batches if not b.findings]
    failures = read_into_landed(con, contract, {b.path: b.schema for b in readable})
    for batch in readable:
        if batch.path in failures:
            batch.findings.append(Finding("readable_file", None, None, (str(failures[batch.path]),)))
    for column in (c for c in contract.columns if c.pseudonymise_into):
        invalid = dict(con.execute(
            f'select {FILE_COLUMN}, count(*) from {LANDED} '
            f'where not "{valid_flag_column(column.name)}" group by 1').fetchall())
        for batch in batches:
            if invalid.get(batch.landed_name):
                batch.findings.append(Finding("nhs_number_checksum", column.name,
                                              invalid[batch.landed_name], (REDACTED,)))
    for batch in batches:
        if not batch.findings:
            batch.status = BatchStatus.READ

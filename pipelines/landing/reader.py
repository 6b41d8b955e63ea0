"""Read delivered files into the scratch table ``landed``, every value as text, or say clearly why a
file cannot be read.

First what the bytes already say (``precheck``, from the pass that hashed the file): an empty file,
NUL bytes or UTF-16 in a CSV, a CSV that does not end with a line break (cut short), a Parquet file
without its signature or its footer. Then the columns (``file_schema``, ``check_schema``): a CSV's
header line (a UTF-8 byte-order mark is allowed; a repeated column is named) or a Parquet file's
metadata, against the contract. Column names are content of the file: a message shows a name only
if it looks like a column name, else its position.

Then DuckDB parses the files of a chunk in one scan (strictly: the contract's delimiter, UTF-8,
every row the same width). A CSV scan keeps the lines it cannot parse in DuckDB's rejects tables
instead of failing, so each file's bad lines are counted and the first is named by line number and
kind (a short last row is a truncated file), never quoted. A scan that fails is retried file by
file to find the one at fault, and its error described in value-free words
(``findings.describe_duckdb_error``). A file that no longer matches what was hashed after DuckDB read
it is refused as changed. Values stay text until validation; the load casts them.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.contracts.model import Contract
from pipelines.errors import storage_problem
from pipelines.landing import paths
from pipelines.landing.batch import Batch, BatchStatus
from pipelines.landing.findings import (
    CHANGED,
    READABLE,
    REDACTED,
    SCHEMA,
    TRUNCATED,
    Finding,
    Refused,
    describe_duckdb_error,
    refused,
)
from pipelines.landing.identify import FileFacts
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
_COLUMN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_TYPE_NAME = re.compile(r"[A-Z][A-Z0-9_ ]{0,40}")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_OTHER_DELIMITERS = (";", "\t", "|")
# DuckDB's rejects tables for a CSV scan (temporary, of this connection)
_REJECTS, _REJECT_SCANS = "__csv_rejects", "__csv_reject_scans"
_REJECT_KINDS = {
    "MISSING COLUMNS": None,  # described by its column counts
    "TOO MANY COLUMNS": None,
    "UNQUOTED VALUE": "a quoted value is not closed",
    "LINE SIZE OVER MAXIMUM": "longer than DuckDB's maximum line size",
    "INVALID ENCODING": "not valid UTF-8",
}
_COUNTS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


@dataclass(frozen=True)
class FileSchema:
    columns: list[str]
    types: dict[str, str]  # declared types in the file (Parquet) or VARCHAR (CSV)


def shown_column(name: str, position: int) -> str:
    """A column name read from a file, fit for a message: itself if it looks like a column name,
    else its position (a header is content of the file)."""
    return name if _COLUMN_NAME.fullmatch(name) else f"<column {position}>"


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def precheck(facts: FileFacts, contract: Contract) -> None:
    """Refuse what the file's bytes already show to be unreadable or cut short."""
    if facts.size == 0:
        raise refused(READABLE, "the file is empty (0 bytes)")
    if contract.format == "csv":
        if facts.head.startswith(_UTF16_BOMS):
            raise refused(READABLE, "UTF-16 text (it starts with a UTF-16 byte-order mark); the "
                                    "contract says UTF-8")
        if facts.nul_bytes:
            raise refused(READABLE, f"{facts.nul_bytes} NUL byte(s): not UTF-8 text (binary, "
                                    "UTF-16 or damaged?)")
        if not facts.tail.endswith(b"\n"):
            raise refused(TRUNCATED, "the file does not end with a line break: cut short?")
    else:
        if not facts.head.startswith(b"PAR1"):
            raise refused(READABLE, "not a Parquet file (no Parquet signature at its start)")
        if facts.tail != b"PAR1":
            raise refused(TRUNCATED, "the Parquet footer is missing: cut short?")


def file_schema(con: duckdb.DuckDBPyConnection, path: Path, facts: FileFacts, contract: Contract
                ) -> FileSchema:
    """The file's columns (CSV: from its header line; Parquet: from its metadata)."""
    if contract.format == "csv":
        names = _csv_header(facts.head)
        return FileSchema(names, dict.fromkeys(names, "VARCHAR"))
    try:
        described = con.execute(f"describe select * from read_parquet({_sql_path(path)})").fetchall()
    except duckdb.Error as error:
        raise refused(READABLE, describe_duckdb_error(error)) from None
    return FileSchema([row[0] for row in described], {row[0]: str(row[1]).upper()
                                                       for row in described})


def _csv_header(head: bytes) -> list[str]:
    end = head.find(b"\n")
    if end < 0:
        raise refused(READABLE, f"no line break in the first {len(head):,} bytes: the header line "
                                "is too long")
    line = head[:end].rstrip(b"\r").removeprefix(_UTF8_BOM)
    try:
        header = line.decode("utf-8")
    except UnicodeDecodeError:
        raise refused(READABLE, "the header line is not UTF-8 text") from None
    if not header.strip():
        raise refused(READABLE, "the first line (header) is empty")
    if "," not in header:
        for other in _OTHER_DELIMITERS:
            if other in header:
                raise refused(READABLE, f"the header is delimited by {other!r}, the contract says ','")
    names = [name.strip() for name in next(csv.reader([header]))]
    repeated = sorted({shown_column(n, i + 1) for i, n in enumerate(names) if names.count(n) > 1})
    if repeated:
        raise Refused(Finding(SCHEMA, ", ".join(repeated), None,
                              "the header repeats column(s) " + ", ".join(repeated)))
    return names


def check_schema(schema: FileSchema, contract: Contract) -> None:
    """Refuse a file whose columns drifted, naming every missing, unexpected or re-typed column
    (a name from the file only if it looks like a column name)."""
    expected, found = contract.column_names, schema.columns
    missing = [c for c in expected if c not in found]
    extra = [shown_column(c, i + 1) for i, c in enumerate(found) if c not in expected]
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
            family = actual.split("(")[0].strip() if actual else None
            if family == '"NULL"':  # a column empty all month, typed null by its writer: fits any type
                continue
            if family and family not in _PARQUET_TYPE_FAMILIES[column.type]:
                retyped.append(column.name)
                shown = family if _TYPE_NAME.fullmatch(family) else "another type"
                problems.append(f"column {column.name} is {shown}, contract says {column.type}")
    if problems:
        columns = missing + extra + retyped
        raise Refused(Finding(SCHEMA, ", ".join(columns), None, "; ".join(problems)))


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


def _scan(contract: Contract, group: list[Path], schema: FileSchema) -> str:
    files = "[" + ", ".join(_sql_path(p) for p in group) + "]"
    if contract.format == "parquet":
        return f"read_parquet({files}, filename = true)"
    struct = ", ".join("'" + name.replace("'", "''") + "': 'VARCHAR'" for name in schema.columns)
    return (f"read_csv({files}, header = true, delim = ',', quote = '\"', all_varchar = true, "
            "strict_mode = true, encoding = 'utf-8', auto_detect = false, filename = true, "
            f"store_rejects = true, rejects_table = '{_REJECTS}', rejects_scan = '{_REJECT_SCANS}', "
            f"columns = {{{struct}}})")


def read_into_landed(con: duckdb.DuckDBPyConnection, contract: Contract,
                     files: dict[Path, FileSchema], line_breaks: dict[Path, int] | None = None
                     ) -> dict[Path, Finding]:
    """Append the files' rows to ``landed``, in the given order; return why each file that could
    not be parsed was refused (nothing of it is kept). Files sharing a header are read in one
    parallel scan; if that fails, each is read alone to find the one at fault. A failure of the
    machine (a full disk) is raised."""
    by_header: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    for path, schema in files.items():
        by_header[tuple(schema.columns)].append(path)
    failures: dict[Path, Finding] = {}
    for same_header in by_header.values():
        groups = [same_header]
        while groups:
            group = groups.pop(0)
            con.execute(f"drop table if exists {_REJECTS}; drop table if exists {_REJECT_SCANS}")
            try:
                con.execute(f"insert into {LANDED} by name select {_select_list(contract)} "
                            f"from {_scan(contract, group, files[group[0]])}")
            except duckdb.Error as error:
                if storage_problem(error):
                    raise
                if len(group) > 1:
                    groups = [[p] for p in group] + groups
                else:
                    failures[group[0]] = Finding(READABLE, None, None, describe_duckdb_error(error))
                continue
            if contract.format == "csv":
                failures |= _rejected_lines(con, line_breaks or {})
    _drop_rows(con, list(failures))
    con.execute(f"drop table if exists {_REJECTS}; drop table if exists {_REJECT_SCANS}")
    return failures


def _rejected_lines(con: duckdb.DuckDBPyConnection, line_breaks: dict[Path, int]
                    ) -> dict[Path, Finding]:
    """Each file with lines the CSV scan could not parse: how many, and the first one's number and
    kind (from DuckDB's rejects tables; the line itself is never read back)."""
    found = con.execute(
        f"select s.file_path, count(distinct e.line), min(e.line), "
        f"arg_min(cast(e.error_type as varchar), [e.line, e.column_idx]), "
        f"arg_min(e.error_message, [e.line, e.column_idx]) "
        f"from {_REJECTS} e join {_REJECT_SCANS} s on e.scan_id = s.scan_id and e.file_id = s.file_id "
        f"group by 1").fetchall()
    failures = {}
    for file_path, lines, first_line, kind, message in found:
        path = Path(file_path)
        counts = _COUNTS.search(message or "") if _REJECT_KINDS.get(kind, "") is None else None
        what = (f"expected {counts.group(1)} columns, found {counts.group(2)}" if counts
                else _REJECT_KINDS.get(kind) or "cannot be parsed")
        more = f" (and {lines - 1} more line(s))" if lines > 1 else ""
        last_row_short = kind == "MISSING COLUMNS" and lines == 1 and \
            first_line == line_breaks.get(path)
        rule = TRUNCATED if last_row_short else READABLE
        failures[path] = Finding(rule, None, lines, f"line {first_line}: {what}{more}")
    return failures


def _drop_rows(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    """Remove what was read of refused files from ``landed``, so that only files still in the
    running are validated."""
    if files:
        con.execute(f"delete from {LANDED} where {FILE_COLUMN} in (select unnest(?))",
                    [[str(path) for path in files]])


def _unchanged(batch: Batch) -> bool:
    """Whether the file is still the one that was hashed; if not, a finding says so."""
    if paths.unchanged(batch.path, batch.facts.fingerprint):
        return True
    batch.findings.append(Finding(CHANGED, None, None, "the file changed, was replaced or went "
                                  "away after it was hashed"))
    return False


def read_batches(con: duckdb.DuckDBPyConnection, contract: Contract, batches: list[Batch]) -> None:
    """Read the batches into a fresh ``landed``: each file's bytes and header are checked first; a
    file that drifted, cannot be parsed, changed while it was read, or carries an NHS number with a
    wrong check digit gets a finding, the others become READ."""
    for batch in batches:
        try:
            precheck(batch.facts, contract)
            batch.schema = file_schema(con, batch.path, batch.facts, contract)
            check_schema(batch.schema, contract)
        except Refused as refusal:
            batch.findings.append(refusal.finding)
    create_landed(con, contract)
    # checked just before DuckDB opens the paths (which follows links) and again after it has read
    # them: a file replaced in between is refused, and what was read of it dropped
    readable = [b for b in batches if not b.findings and _unchanged(b)]
    failures = read_into_landed(con, contract, {b.path: b.schema for b in readable},
                                {b.path: b.facts.line_breaks for b in readable})
    for batch in readable:
        if batch.path in failures:
            batch.findings.append(failures[batch.path])
        else:
            _unchanged(batch)
    for column in (c for c in contract.columns if c.pseudonymise_into):
        invalid = dict(con.execute(
            f'select {FILE_COLUMN}, count(*) from {LANDED} '
            f'where not "{valid_flag_column(column.name)}" group by 1').fetchall())
        for batch in batches:
            if invalid.get(batch.landed_name):
                batch.findings.append(Finding("nhs_number_checksum", column.name,
                                              invalid[batch.landed_name], "", (REDACTED,)))
    _drop_rows(con, [b.path for b in readable if b.findings])
    for batch in batches:
        if not batch.findings:
            batch.status = BatchStatus.READ

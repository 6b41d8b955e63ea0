"""A corpus of bad deliveries, made from the small demo extracts: one case for each way a delivery
can be wrong that landing must refuse or report, all in one landing folder so that one landing run
takes them all.

Every case plants ``MARKER`` in its bad bytes (the failing value, the failing line, the file a link
points to, the FIFO's writer): the marker must never reach a message, the ledger or a log, and may
appear in a quarantine report only as an example value of a non-identifier column (``Case.report``).

    python -m tests.landing.bad_deliveries EXTRACTS LANDING OUTSIDE

writes the corpus into LANDING (EXTRACTS: the output of ``pophealth demo-data --out``; OUTSIDE: a
folder outside the landing folder, for the targets of links) and prints each case.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MARKER = "QZXV7731PLANTED"
DEATHS, GP_EVENTS, ECDS, EPACCS = ("civil_registration_deaths", "gp_events", "ecds_attendances",
                                   "epaccs_records")
SOURCES = (DEATHS, GP_EVENTS, ECDS)  # landed for the baseline, then given bad deliveries


@dataclass(frozen=True)
class Corpus:
    """Where a case writes: the landing folder, a folder outside it, and the good files it starts
    from (a month of each source that the baseline has not loaded)."""

    landing: Path
    outside: Path
    good: dict[str, Path]

    def lines(self, source: str) -> list[str]:
        return self.good[source].read_text().splitlines()

    def csv(self, source: str, lines: list[str]) -> bytes:
        return ("\n".join(lines) + "\n").encode()

    def table(self, source: str) -> pa.Table:
        return pq.read_table(self.good[source])


@dataclass(frozen=True)
class Case:
    name: str
    source: str | None  # None: an entry at the top of the landing folder
    entry: str  # the name delivered, in the source folder (or at the top)
    make: Callable[[Corpus, Path], None]  # writes the entry at the given path
    rule: str | None  # the finding's rule; None: reported as unexpected, left in place
    column: str | None = None
    count: int | None = None
    words: str = ""  # the message (or the unexpected line) must contain these
    report: bool = False  # the quarantine report may show the marker (non-identifier example)
    unread: bool = False  # refused without being read (the ledger's sha256 is the placeholder)
    root_can_read: bool = False  # a permission case, which root ignores


def _write(data: bytes) -> Callable[[Corpus, Path], None]:
    def make(corpus: Corpus, path: Path) -> None:
        path.write_bytes(data)
    return make


def _fields(line: str) -> list[str]:
    return line.split(",")  # the demo extracts of these sources have no commas inside values


def _with_field(source: str, column: int, value: str, row: int = 0, marker_at: int | None = -2):
    """The good file with one row's field replaced (and the marker planted in another of its
    fields, by default source_system)."""
    def make(corpus: Corpus, path: Path) -> None:
        header, *rows = corpus.lines(source)
        fields = _fields(rows[row])
        if marker_at is not None:
            fields[marker_at] = f'"{MARKER}"'
        fields[column] = value
        rows[row] = ",".join(fields)
        path.write_bytes(corpus.csv(source, [header, *rows]))
    return make


def _good_with_marker(source: str) -> Callable[[Corpus, Path], None]:
    return _with_field(source, -2, f'"{MARKER}"', marker_at=None)


def _text(edit: Callable[[str], str | bytes], source: str = DEATHS):
    def make(corpus: Corpus, path: Path) -> None:
        text = corpus.good[source].read_text().replace("ONS_CIVIL_REGISTRATION", MARKER, 1)
        out = edit(text)
        path.write_bytes(out if isinstance(out, bytes) else out.encode())
    return make


def _symlink(target: str, make_target: Callable[[Corpus, Path], None] | None = None):
    def make(corpus: Corpus, path: Path) -> None:
        outside = corpus.outside / target
        if make_target and not os.path.lexists(outside):
            make_target(corpus, outside)
        path.symlink_to(outside)
    return make


def _fifo(corpus: Corpus, path: Path) -> None:
    os.mkfifo(path)


def _outside_dir(corpus: Corpus, path: Path) -> None:
    path.mkdir()
    _good_with_marker(DEATHS)(corpus, path / "civil_registration_deaths_209901.csv")


def _hard_link(corpus: Corpus, path: Path) -> None:
    outside = corpus.outside / "hard_linked.csv"
    _good_with_marker(DEATHS)(corpus, outside)
    os.link(outside, path)


def _unreadable(corpus: Corpus, path: Path) -> None:
    _good_with_marker(DEATHS)(corpus, path)
    path.chmod(0)


def _parquet(edit: Callable[[pa.Table], pa.Table]):
    def make(corpus: Corpus, path: Path) -> None:
        table = corpus.table(ECDS)
        marked = pa.array([MARKER] * table.num_rows, table.schema.field("source_system").type)
        table = table.set_column(table.schema.get_field_index("source_system"), "source_system",
                                 marked)
        pq.write_table(edit(table), path)
    return make


def _parquet_bytes(edit: Callable[[bytes], bytes]):
    def make(corpus: Corpus, path: Path) -> None:
        _parquet(lambda t: t)(corpus, path)
        path.write_bytes(edit(path.read_bytes()))
    return make


def _uint64_overflow(table: pa.Table) -> pa.Table:
    values = table.column("EC_Ident").to_pylist()
    values[0] = 2**63 + 7  # a valid UINT64, beyond BIGINT
    return table.set_column(0, "EC_Ident", pa.array(values, pa.uint64()))


def _damaged_metadata(data: bytes) -> bytes:
    """Keep the signature and the footer length, scramble the footer (the file's metadata)."""
    length = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - length
    return data[:start] + bytes([0xFF]) * length + data[-8:]


def _rename_column(old: str, new: str):
    def edit(table: pa.Table) -> pa.Table:
        return table.rename_columns([new if c == old else c for c in table.column_names])
    return edit


def _unknown_folder(corpus: Corpus, path: Path) -> None:
    path.mkdir()
    _good_with_marker(DEATHS)(corpus, path / "community_contacts_209901.csv")


def _subfolder(corpus: Corpus, path: Path) -> None:
    path.mkdir()
    _good_with_marker(DEATHS)(corpus, path / "civil_registration_deaths_209901.csv")


def _linked_source_folder(corpus: Corpus, path: Path) -> None:
    outside = corpus.outside / "epaccs"
    outside.mkdir()
    (outside / "epaccs_records_209901.csv").write_text(f"person_id\n{MARKER}\n")
    path.symlink_to(outside)


def _d(name: str, ext: str = "csv", source: str = DEATHS) -> str:
    return f"{source}_case-{name}.{ext}"


# Deaths columns by position: 0 person_id, 2 REG_DATE, 3 DEC_SEX, 4 DEC_AGEC, 10 source_system.
CASES = [
    # --- refused without being read: links, special files, names ---
    Case("symlink-to-outside-file", DEATHS, _d("symlink-file"),
         _symlink("secret.csv", _good_with_marker(DEATHS)), "symlink", words="not followed",
         unread=True),
    Case("symlink-to-fifo", DEATHS, _d("symlink-fifo"), _symlink("pipe", lambda c, p: os.mkfifo(p)),
         "symlink", unread=True),
    Case("symlink-to-folder", DEATHS, _d("symlink-folder"), _symlink("folder", _outside_dir),
         "symlink", unread=True),
    Case("fifo", DEATHS, _d("fifo"), _fifo, "not_a_regular_file", words="FIFO", unread=True),
    Case("hard-link", DEATHS, _d("hard-link"), _hard_link, "hard_link", words="2 names",
         unread=True),
    Case("name-glob", DEATHS, f"{DEATHS}_*.csv", _good_with_marker(DEATHS), "file_name",
         words="A-Z a-z 0-9 . _ -", unread=True),
    Case("name-space", DEATHS, f"{DEATHS}_case space.csv", _good_with_marker(DEATHS), "file_name",
         unread=True),
    Case("name-newline", DEATHS, f"{DEATHS}_case\nnewline.csv", _good_with_marker(DEATHS),
         "file_name", unread=True),
    Case("name-non-ascii", DEATHS, f"{DEATHS}_casé.csv", _good_with_marker(DEATHS), "file_name",
         unread=True),
    Case("name-quotes", DEATHS, f"{DEATHS}_case'\"quote.csv", _good_with_marker(DEATHS),
         "file_name", unread=True),
    Case("name-brackets", DEATHS, f"{DEATHS}_[0-9]{{a,b}}.csv", _good_with_marker(DEATHS),
         "file_name", unread=True),
    Case("name-very-long", DEATHS, f"{DEATHS}_{'9' * 200}.csv", _good_with_marker(DEATHS),
         "file_name", words="at most 128", unread=True),
    Case("name-hidden", DEATHS, f".{DEATHS}_case-hidden.csv", _good_with_marker(DEATHS),
         "file_name", words=f"{DEATHS}_*.csv", unread=True),
    Case("upper-case-extension", DEATHS, _d("upper", "CSV"), _good_with_marker(DEATHS),
         "file_name", words=f"{DEATHS}_*.csv", unread=True),
    Case("parquet-in-csv-source", DEATHS, _d("parquet", "parquet"), _parquet(lambda t: t),
         "file_name", words=f"{DEATHS}_*.csv", unread=True),
    Case("csv-in-parquet-source", ECDS, _d("csv", "csv", ECDS), _good_with_marker(DEATHS),
         "file_name", words=f"{ECDS}_*.parquet", unread=True),
    Case("unreadable", DEATHS, _d("unreadable"), _unreadable, "unreadable_file",
         words="permission denied", unread=True, root_can_read=True),
    # --- reported, neither read nor moved ---
    Case("subfolder", DEATHS, "case-subfolder", _subfolder, None,
         words="a folder inside a source folder"),
    Case("unknown-folder", None, "community_contacts", _unknown_folder, None,
         words="not a known source folder"),
    Case("unknown-file", None, "notes.txt", _write(f"{MARKER}\n".encode()), None,
         words="not expected at the top"),
    Case("linked-source-folder", None, EPACCS, _linked_source_folder, None,
         words="a link where the source folder should be"),
    Case("top-level-link", None, "secret_link", _symlink("secret.csv", _good_with_marker(DEATHS)),
         None, words="a link"),
    # --- values that do not cast to the contract type ---
    Case("impossible-date", DEATHS, _d("impossible-date"), _with_field(DEATHS, 2, "2023-02-30"),
         "type", "REG_DATE", 1),
    Case("bigint-overflow", GP_EVENTS, _d("bigint", source=GP_EVENTS),
         _with_field(GP_EVENTS, 5, "99999999999999999999"), "type", "snomed_code", 1),
    Case("uint64-key-overflow", ECDS, _d("uint64", "parquet", ECDS), _parquet(_uint64_overflow),
         "type", "EC_Ident", 1),
    Case("not-a-number", DEATHS, _d("not-a-number"), _with_field(DEATHS, 4, f"81.5{MARKER}",
                                                                 marker_at=None),
         "type", "DEC_AGEC", 1, report=True),
    # --- values breaking a reject rule, with hostile content ---
    Case("sql-in-failing-field", DEATHS, _d("sql"),
         _with_field(DEATHS, 3, f"\"'|`{MARKER}`; drop table raw.x; --\"", marker_at=None),
         "allowed_values", "DEC_SEX", 1, report=True),
    Case("quoted-newline-in-failing-field", DEATHS, _d("quoted-newline"),
         _with_field(DEATHS, 3, f'"7\n{MARKER}"', marker_at=None), "allowed_values", "DEC_SEX", 1,
         report=True),
    Case("identifier-with-marker", DEATHS, _d("identifier"),
         _with_field(DEATHS, 0, f"\"{MARKER}'; drop\"", marker_at=None), "pattern", "person_id", 1),
    # --- cut short ---
    Case("no-final-line-break", DEATHS, _d("no-final-newline"),
         _text(lambda t: t.rstrip("\n")[:-12]), "truncated", words="does not end with a line break"),
    Case("short-last-row", DEATHS, _d("short-last-row"),
         _text(lambda t: t + f'"{MARKER}",2020-01-05,2020-01-09\n'), "truncated", count=1,
         words="expected 12 columns, found 3"),
    Case("truncated-parquet", ECDS, _d("truncated", "parquet", ECDS),
         _parquet_bytes(lambda b: b[: len(b) // 2]), "truncated", words="Parquet footer"),
    # --- columns ---
    Case("repeated-column", DEATHS, _d("repeated-column"),
         _text(lambda t: t.replace('"DEC_AGEC"', '"DEC_SEX"', 1)), "schema", "DEC_SEX",
         words="repeats column(s) DEC_SEX"),
    Case("hostile-header", DEATHS, _d("hostile-header"),
         _text(lambda t: t.replace('"DEC_AGEC"', f'"{MARKER}; drop table x"', 1)), "schema",
         words="<column 5>"),
    Case("parquet-hostile-column", ECDS, _d("hostile-column", "parquet", ECDS),
         _parquet(_rename_column("Sex", f"{MARKER}; drop")), "schema", words="unexpected column"),
    Case("parquet-retyped-column", ECDS, _d("retyped", "parquet", ECDS),
         _parquet(lambda t: t.set_column(0, "EC_Ident", t.column("EC_Ident").cast(pa.string()))),
         "schema", words="column EC_Ident is VARCHAR, contract says BIGINT"),
    # --- not readable as the declared format ---
    Case("empty-file", DEATHS, _d("empty"), _write(b""), "readable_file", words="empty"),
    Case("header-only", DEATHS, _d("header-only"), _text(lambda t: t.splitlines()[0] + "\n"),
         "row_count", words="0 rows"),
    Case("zero-row-parquet", ECDS, _d("zero-rows", "parquet", ECDS),
         _parquet(lambda t: t.slice(0, 0)), "row_count", words="0 rows"),
    Case("damaged-parquet", ECDS, _d("damaged", "parquet", ECDS), _parquet_bytes(_damaged_metadata),
         "readable_file"),
    Case("not-parquet", ECDS, _d("not-parquet", "parquet", ECDS),
         _text(lambda t: t), "readable_file", words="not a Parquet file"),
    Case("latin-1", DEATHS, _d("latin-1"),
         _text(lambda t: t.replace(MARKER, f"Ménière {MARKER}").encode("latin-1")),
         "readable_file", count=1, words="not valid UTF-8"),
    Case("utf-16", DEATHS, _d("utf-16"), _text(lambda t: t.encode("utf-16")), "readable_file",
         words="UTF-16"),
    Case("nul-bytes", DEATHS, _d("nul"), _text(lambda t: t.replace(MARKER, f"{MARKER}\0")),
         "readable_file", words="NUL byte"),
    Case("semicolons", DEATHS, _d("semicolons"), _text(lambda t: t.replace(",", ";")),
         "readable_file", words="delimited by ';'"),
    Case("tabs", DEATHS, _d("tabs"), _text(lambda t: t.replace(",", "\t")), "readable_file",
         words="delimited by '\\t'"),
    Case("ragged-row", DEATHS, _d("ragged"), _with_field(DEATHS, -1, f'2019-05-01,"{MARKER}"'),
         "readable_file", count=1, words="expected 12 columns, found 13"),
    Case("unterminated-quote", DEATHS, _d("unterminated-quote"),
         _with_field(DEATHS, 3, f'"{MARKER}', marker_at=None), "readable_file",
         words="a quoted value is not closed"),
    Case("huge-field", DEATHS, _d("huge-field"),
         _with_field(DEATHS, 9, '"' + "x" * 2_100_000 + MARKER + '"'), "readable_file", count=1,
         words="maximum line size"),
]


def cases(running_as_root: bool | None = None) -> list[Case]:
    """The cases this process can make (root reads a file whatever its permissions)."""
    root = os.geteuid() == 0 if running_as_root is None else running_as_root
    return [case for case in CASES if not (root and case.root_can_read)]


def write_corpus(extracts: Path, landing: Path, outside: Path,
                 chosen: list[Case] | None = None) -> list[Case]:
    """Write the cases into ``landing`` (targets of links into ``outside``) from the demo extracts
    in ``extracts``; the baseline is expected to have loaded their first two months."""
    good = {source: sorted((extracts / source).iterdir())[2] for source in SOURCES}
    corpus = Corpus(landing, outside, good)
    outside.mkdir(parents=True, exist_ok=True)
    chosen = cases() if chosen is None else chosen
    for case in chosen:
        folder = landing / case.source if case.source else landing
        folder.mkdir(parents=True, exist_ok=True)
        case.make(corpus, folder / case.entry)
    return chosen


def delivered_path(landing: Path, case: Case) -> Path:
    return (landing / case.source if case.source else landing) / case.entry


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    extracts_dir, landing_dir, outside_dir = map(Path, sys.argv[1:])
    for written in write_corpus(extracts_dir, landing_dir, outside_dir):
        print(f"{written.name:34} {written.rule or 'unexpected':22} {written.source or '(top)'}/"
              f"{written.entry!r}")

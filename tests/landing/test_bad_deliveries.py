"""The bad-delivery corpus (tests/landing/bad_deliveries.py), landed in one run on a warehouse that
holds two months of each source: every case is refused (quarantined with its report and ledger
row) or reported as unexpected, named by file, rule, column and count; no value planted in the bad
bytes reaches a message, the ledger or the output; no link is followed and no FIFO opened; the raw
tables are unchanged. Then the command line, on a few of the same files delivered again."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.contracts.model import load_contracts
from pipelines.landing import land_all, unexpected_entries
from pipelines.landing.batch import Batch, BatchStatus
from pipelines.landing.identify import UNREAD_SHA256
from pipelines.landing.paths import display_name
from pipelines.landing.validation import ContractValidator
from pipelines.ops import ledger
from tests.conftest import settings_for
from tests.landing.bad_deliveries import (
    DEATHS,
    MARKER,
    SOURCES,
    Case,
    cases,
    delivered_path,
    write_corpus,
)

PROPHEALTH = Path(sys.executable).with_name("pophealth")
CASES = cases()


@dataclass
class Landed:
    settings: object
    outside: Path
    batches: list[Batch]
    unexpected: list[str]
    output: str  # everything printed or logged while landing
    raw_before: dict
    raw_after: dict
    ledger: dict[str, ledger.LedgerRow]
    fifo_opened: list[str]
    links: dict[str, str]  # case name → where its link pointed

    def batch(self, case: Case) -> Batch:
        path = delivered_path(self.settings.landing_dir, case)
        found = [b for b in self.batches if b.path == path]
        assert len(found) == 1, f"{case.name}: {len(found)} batches"
        return found[0]


def raw_checksums(settings) -> dict:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return {source: con.execute(f"select count(*), sum(hash(r)) from raw.{source} r").fetchone()
                for source in SOURCES}


@contextlib.contextmanager
def fifo_watch(fifos: list[Path]):
    """Notice anyone opening the FIFOs to read them (a reader would wait forever): a writer can
    open a FIFO without waiting only while it has a reader; if one does, it writes the marker and
    closes, so the reader ends instead of hanging the test, and the FIFO is listed as opened."""
    opened: list[str] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            for fifo in fifos:
                try:
                    descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:  # no reader (or moved to quarantine)
                    continue
                opened.append(str(fifo))
                os.write(descriptor, MARKER.encode())
                os.close(descriptor)
            stop.wait(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield opened
    finally:
        stop.set()
        watcher.join()


@contextlib.contextmanager
def captured_output():
    """Everything printed or logged meanwhile, with tracebacks."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture(scope="module")
def landed(tmp_path_factory, small_extracts) -> Landed:
    root = tmp_path_factory.mktemp("bad-deliveries")
    settings = settings_for(root)
    settings.ensure_dirs()
    contracts = load_contracts()
    for source in SOURCES:
        (settings.landing_dir / source).mkdir(parents=True)
        for path in sorted((small_extracts / source).iterdir())[:2]:
            shutil.copy(path, settings.landing_dir / source)
    validator = ContractValidator()
    land_all(settings, [contracts[source] for source in SOURCES], validator)
    before = raw_checksums(settings)

    outside = root / "outside"
    write_corpus(small_extracts, settings.landing_dir, outside, CASES)
    links = {case.name: os.readlink(delivered_path(settings.landing_dir, case)) for case in CASES
             if delivered_path(settings.landing_dir, case).is_symlink()}
    fifos = [outside / "pipe", settings.landing_dir / DEATHS / "civil_registration_deaths_case-fifo.csv"]
    with fifo_watch(fifos) as opened, captured_output() as output:
        batches = land_all(settings, list(contracts.values()), validator)
        unexpected = unexpected_entries(settings.landing_dir, contracts.values())
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        rows = {row.batch_id: row for row in ledger.rows(con)}
    return Landed(settings, outside, batches, unexpected, output.getvalue(), before,
                  raw_checksums(settings), rows, opened, links)


@pytest.mark.parametrize("case", [c for c in CASES if c.rule], ids=lambda c: c.name)
def test_a_bad_file_is_quarantined_and_named_without_its_values(landed, case):
    batch = landed.batch(case)
    message = batch.message
    assert batch.status == BatchStatus.QUARANTINED, message
    assert f"rule '{case.rule}'" in message, message
    if case.column:
        assert f"column {case.column}" in message, message
    if case.count is not None:
        assert f": {case.count} failing row(s)" in message, message
    assert case.words in message, message
    assert MARKER not in message

    folder = landed.settings.quarantine_dir / case.source / batch.batch_id
    moved = folder / case.entry
    assert os.path.lexists(moved) and not os.path.lexists(delivered_path(landed.settings.landing_dir,
                                                                         case))
    if case.name in landed.links:  # the link itself, not its target
        assert moved.is_symlink() and os.readlink(moved) == landed.links[case.name]
    report = (folder / "report.md").read_text()
    findings = json.loads((folder / "report.json").read_text())["findings"]
    assert f"| {case.rule} |" in report and case.rule in [f["rule"] for f in findings]
    if not case.report:
        assert MARKER not in report and MARKER not in json.dumps(findings)
    assert all(len(e) <= 40 for f in findings for e in f["examples"])
    rows = [line for line in report.splitlines() if line.startswith("|")][2:]
    assert len(rows) == len(findings)  # no value broke a row: one line, five cells each
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 6 for line in rows), rows

    row = landed.ledger[batch.batch_id]
    assert (row.status, row.message, row.file_name) == (BatchStatus.QUARANTINED, message,
                                                        batch.file_name)
    assert (row.sha256 == UNREAD_SHA256) is case.unread
    assert MARKER not in str(row)


@pytest.mark.parametrize("case", [c for c in CASES if not c.rule], ids=lambda c: c.name)
def test_an_unexpected_entry_is_named_and_left_alone(landed, case):
    shown = (f"{case.source}/" if case.source else "") + display_name(case.entry)
    lines = [line for line in landed.unexpected if line.startswith(shown)]
    assert len(lines) == 1 and case.words in lines[0], landed.unexpected
    assert os.path.lexists(delivered_path(landed.settings.landing_dir, case))
    assert MARKER not in lines[0]


def test_every_new_file_was_refused_and_nothing_else_is_unexpected(landed):
    new = [b for b in landed.batches if b.status != BatchStatus.ALREADY_LOADED]
    assert sorted(str(b.path) for b in new) == sorted(
        str(delivered_path(landed.settings.landing_dir, c)) for c in CASES if c.rule)
    assert len(landed.unexpected) == len([c for c in CASES if not c.rule])
    assert len(CASES) >= 35


def test_the_raw_tables_are_unchanged(landed):
    assert landed.raw_after == landed.raw_before


def test_no_link_was_followed_no_fifo_opened_and_no_value_printed_or_logged(landed):
    assert landed.fifo_opened == []
    assert MARKER not in landed.output and "Traceback" not in landed.output
    assert all(MARKER not in str(row) for row in landed.ledger.values())
    with duckdb.connect(str(landed.settings.duckdb_path), read_only=True) as con:
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()]
        for table in tables:  # a followed link would have loaded the marked rows
            text = con.execute(f"select count(*) from raw.{table} r where "
                               f"cast(r as varchar) like '%{MARKER}%'").fetchone()[0]
            assert text == 0, table


def test_the_command_line_refuses_the_same_files_again_and_names_everything(landed, prefect_server):
    """Two of the quarantined files delivered again: `pophealth ingest` refuses them again with the
    same report and one ledger row each, names them and every unexpected entry on stderr, exits 1."""
    settings = landed.settings
    date = next(c for c in CASES if c.name == "impossible-date")
    link = next(c for c in CASES if c.name == "symlink-to-outside-file")
    again = {}
    for case in (date, link):
        batch = landed.batch(case)
        folder = settings.quarantine_dir / case.source / batch.batch_id
        again[case.name] = (batch, (folder / "report.md").read_text())
        os.replace(folder / case.entry, delivered_path(settings.landing_dir, case))
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),  # the session's test server
           "PH_DATA_DIR": str(settings.data_dir), "PH_DUCKDB_PATH": str(settings.duckdb_path),
           "PH_LANDING_DIR": str(settings.landing_dir),
           "PH_QUARANTINE_DIR": str(settings.quarantine_dir),
           "PH_REPORTS_DIR": str(settings.reports_dir)}
    done = subprocess.run([str(PROPHEALTH), "ingest", "--source", DEATHS], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR: ")]
    for batch, _ in again.values():
        assert any(batch.file_name in line and "quarantined" in line for line in errors), errors
    assert any("rule 'type' on column REG_DATE: 1 failing row(s)" in line for line in errors)
    assert any("rule 'symlink'" in line for line in errors)
    for entry in landed.unexpected:
        assert f"ERROR: unexpected in the landing folder: {entry}" in errors
    assert MARKER not in done.stdout + done.stderr and "Traceback" not in done.stderr
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        rows = ledger.rows(con)
    for name, (batch, report) in again.items():
        folder = settings.quarantine_dir / batch.source / batch.batch_id
        assert (folder / "report.md").read_text() == report, name
        assert [r.status for r in rows if r.batch_id == batch.batch_id] == [BatchStatus.QUARANTINED]
    assert raw_checksums(settings) == landed.raw_before

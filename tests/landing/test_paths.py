"""What landing may read, when the landing folder changes under it: a missing landing folder, a file
gone or replaced between hashing and reading, and a failure while a chunk is validated (each file
then landed alone, and named)."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from pipelines.contracts.model import load_contracts, parse_contract
from pipelines.errors import UsageError
from pipelines.landing import land, land_all, unexpected_entries
from pipelines.landing.batch import BatchStatus
from pipelines.landing.paths import display_name
from pipelines.ops import ledger

DEATHS = "civil_registration_deaths"
MARKER = "QZXV7731OUTSIDE"


def test_a_missing_landing_folder_is_a_usage_error_and_is_not_created(ph_env):
    assert not ph_env.landing_dir.exists()  # settings.ensure_dirs() leaves it to deliveries
    for call in (lambda: land_all(ph_env, load_contracts().values()),
                 lambda: unexpected_entries(ph_env.landing_dir, load_contracts().values())):
        with pytest.raises(UsageError, match="landing folder .* does not exist: run `pophealth "
                                             "demo-data` or set PH_LANDING_DIR"):
            call()
    assert not ph_env.landing_dir.exists()


def test_names_are_shown_only_in_the_allowed_characters():
    assert display_name("gp_events_202001.csv") == "gp_events_202001.csv"
    assert display_name("a\nb'c*.csv") == "a?b?c?.csv"
    assert display_name("x" * 300) == "x" * 128 + "..."


def test_a_file_gone_or_replaced_after_it_was_hashed_is_refused_unread(ph_env, small_extracts,
                                                                       monkeypatch, tmp_path):
    """Files are hashed first, then read a chunk at a time: between the two, one file is changed,
    one replaced by a link to a file outside the landing folder, one deleted."""
    folder = ph_env.landing_dir / DEATHS
    folder.mkdir(parents=True)
    files = sorted((small_extracts / DEATHS).iterdir())[:4]
    for path in files:
        shutil.copy(path, folder)
    outside = tmp_path / "outside.csv"
    outside.write_text(files[1].read_text().replace("ONS_CIVIL_REGISTRATION", MARKER))
    monkeypatch.setattr(land, "CHUNK_ROWS", 1)  # a chunk per file: the first ends before the next is read

    def meddle(batch):
        if batch.file_name == files[0].name:
            with (folder / files[1].name).open("a") as changed:
                changed.write(files[1].read_text().splitlines()[1] + "\n")
            (folder / files[2].name).unlink()
            (folder / files[2].name).symlink_to(outside)
            (folder / files[3].name).unlink()

    batches = {b.file_name: b for b in land_all(ph_env, [load_contracts()[DEATHS]],
                                                on_file=meddle)}
    assert batches[files[0].name].status == BatchStatus.LOADED
    for name in (files[1].name, files[2].name):
        assert batches[name].status == BatchStatus.QUARANTINED
        assert "rule 'changed_during_landing'" in batches[name].message
    moved = batches[files[2].name].quarantine_path / files[2].name
    assert moved.is_symlink() and os.readlink(moved) == str(outside)
    gone = batches[files[3].name]
    assert gone.status == BatchStatus.REFUSED and "gone" in gone.message
    with duckdb.connect(str(ph_env.duckdb_path), read_only=True) as con:
        assert con.execute(f"select count(*) from raw.{DEATHS} r where cast(r as varchar) like ?",
                           [f"%{MARKER}%"]).fetchone()[0] == 0
        recorded = {r.file_name: r.status for r in ledger.rows(con)}
    assert recorded == {files[0].name: BatchStatus.LOADED, files[1].name: BatchStatus.QUARANTINED,
                        files[2].name: BatchStatus.QUARANTINED}


BROKEN = """
id: broken_feed
title: A contract whose value rule cannot be compiled (its values are not a list)
owner: test
delivery: {frequency: monthly, format: csv, file_pattern: "broken_feed_*.csv"}
columns:
  - {name: code, type: VARCHAR, nullable: false, sensitivity: none,
     rules: [{rule: allowed_values, values: 5, severity: reject}]}
"""


def test_a_chunk_that_fails_is_landed_file_by_file_and_each_failure_named(ph_env, tmp_path):
    contract_path = tmp_path / "broken_feed.yml"
    contract_path.write_text(BROKEN)
    contract = parse_contract(contract_path)
    folder = ph_env.landing_dir / contract.id
    folder.mkdir(parents=True)
    for month in ("202001", "202002"):
        (folder / f"broken_feed_{month}.csv").write_text(f"code\n{month}{MARKER}\n")
    batches = land_all(ph_env, [contract])
    assert [b.status for b in batches] == [BatchStatus.QUARANTINED] * 2
    for batch in batches:
        assert batch.message.startswith("rule 'validation' on whole file"), batch.message
        assert MARKER not in batch.message
        assert (batch.quarantine_path / batch.path.name).exists()
    with duckdb.connect(str(ph_env.duckdb_path), read_only=True) as con:
        assert con.execute(f"select count(*) from raw.{contract.id}").fetchone()[0] == 0


def test_a_source_folder_swapped_for_a_link_mid_landing_is_not_read_or_moved(ph_env, small_extracts,
                                                                           monkeypatch, tmp_path):
    """After the files were hashed, the source folder is replaced by a link to a folder outside the
    landing folder holding files of the same names: none of them is read, moved or loaded."""
    folder = ph_env.landing_dir / DEATHS
    folder.mkdir(parents=True)
    files = sorted((small_extracts / DEATHS).iterdir())[:3]
    outside = tmp_path / "outside"
    outside.mkdir()
    for path in files:
        shutil.copy(path, folder)
        (outside / path.name).write_text(path.read_text().replace("ONS_CIVIL_REGISTRATION", MARKER))
    monkeypatch.setattr(land, "CHUNK_ROWS", 1)

    def swap(batch):
        if batch.file_name == files[0].name:
            folder.rename(tmp_path / "moved_away")
            folder.symlink_to(outside)

    batches = land_all(ph_env, [load_contracts()[DEATHS]], on_file=swap)
    assert [b.status for b in batches] == [BatchStatus.LOADED] + [BatchStatus.REFUSED] * 2
    assert all("rule 'changed_during_landing'" in b.message and "left where it is" in b.message
               for b in batches[1:])
    assert sorted(p.name for p in outside.iterdir()) == [p.name for p in files]  # none moved
    with duckdb.connect(str(ph_env.duckdb_path), read_only=True) as con:
        assert con.execute(f"select count(*) from raw.{DEATHS} r where cast(r as varchar) like ?",
                           [f"%{MARKER}%"]).fetchone()[0] == 0

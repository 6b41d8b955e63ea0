"""Whether a delivery is synthetic is recorded in the batch ledger as it is landed (the demo marker in
the landing folder then), reaches published.source_batches through the dbt model, and decides the
board pack's banner: a demo delivery carries it, a real one never does, and moving the marker
afterwards changes nothing."""

from __future__ import annotations

import shutil

import duckdb
import jinja2

from pipelines.config import DBT_PROJECT_DIR, SYNTHETIC_MARKER, dbt_vars
from pipelines.contracts.model import load_contracts
from pipelines.landing import land_all
from pipelines.landing.batch import BatchStatus
from pipelines.ops import ledger
from pipelines.report.quality import is_synthetic

DEATHS = "civil_registration_deaths"


def land(settings, validator, *files):
    for path in files:
        shutil.copy(path, settings.landing_dir / DEATHS)
    landed = [b for b in land_all(settings, [load_contracts()[DEATHS]], validator)
              if b.status != BatchStatus.ALREADY_LOADED]
    assert [b.status for b in landed] == [BatchStatus.LOADED] * len(files)
    return landed


def mark_synthetic(settings):
    (settings.landing_dir / SYNTHETIC_MARKER).write_text("synthetic\n", encoding="utf-8")


def recorded(settings) -> dict[str, bool | None]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return {row.file_name: row.synthetic for row in ledger.rows(con)}


def published_source_batches(settings):
    """The dbt model published_source_batches over this ledger, rendered as dbt renders it."""
    macros = (DBT_PROJECT_DIR / "macros" / "disclosure_control.sql").read_text()
    model = (DBT_PROJECT_DIR / "models" / "published" / "published_source_batches.sql").read_text()
    sql = jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(macros + model).render(
        source=lambda schema, table: f"{schema}.{table}", config=lambda **_: "",
        var=dbt_vars().__getitem__)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return con.execute(sql).df()


def test_files_landed_beside_the_demo_marker_are_synthetic_and_the_pack_says_so(deaths, validator):
    settings, _, files = deaths
    mark_synthetic(settings)
    landed = land(settings, validator, *files[:2])
    assert recorded(settings) == {b.file_name: True for b in landed}
    batches = published_source_batches(settings)
    assert batches["synthetic"].tolist() == [True]
    assert is_synthetic(batches)


def test_a_real_delivery_is_never_recorded_synthetic(deaths, validator):
    settings, _, files = deaths
    landed = land(settings, validator, *files[:2])
    assert recorded(settings) == {b.file_name: False for b in landed}
    batches = published_source_batches(settings)
    assert batches["synthetic"].tolist() == [False]
    assert not is_synthetic(batches)


def test_the_flag_is_kept_from_landing_time_and_one_synthetic_batch_is_enough(deaths, validator):
    """The marker removed after a demo delivery: the demo files stay synthetic (the landing folder
    at report time decides nothing), the real file landed next is not, and the pack still says its
    figures are synthetic, since some of them are."""
    settings, _, files = deaths
    mark_synthetic(settings)
    [demo] = land(settings, validator, files[0])
    (settings.landing_dir / SYNTHETIC_MARKER).unlink()
    [real] = land(settings, validator, files[1])
    assert recorded(settings) == {demo.file_name: True, real.file_name: False}
    assert is_synthetic(published_source_batches(settings))


def test_an_older_ledger_gets_the_column_and_its_rows_take_the_landing_folders_marker(deaths,
                                                                                       validator):
    """A ledger from before the flag: the column is added empty (NULL: not recorded), and the next
    landing settles those rows by the marker the landing folder holds then."""
    settings, _, files = deaths
    mark_synthetic(settings)
    [old] = land(settings, validator, files[0])
    with duckdb.connect(str(settings.duckdb_path)) as con:  # as ledgers were before the column
        con.execute("alter table ops.ingest_batches drop column synthetic")
        ledger.ensure_ledger(con)
        assert [row.synthetic for row in ledger.rows(con)] == [None]
    [new] = land(settings, validator, files[1])
    assert recorded(settings) == {old.file_name: True, new.file_name: True}

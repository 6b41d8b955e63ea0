"""Run history: a run is recorded from counts and paths, its CHECK constraints come from the enums,
and the readers trace a published pack to the batches it was built from."""

import re
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.ops import ledger, runs
from pipelines.ops.ledger import BatchStatus
from pipelines.ops.runs import BatchRole, RunStatus


def _checks(con, table: str) -> set[str]:
    texts = con.execute("select string_agg(constraint_text, ' ') from duckdb_constraints() "
                        "where schema_name = 'ops' and table_name = ? and constraint_type = 'CHECK'",
                        [table]).fetchone()[0]
    return set(re.findall(r"'([^']*)'", texts))


def test_the_check_constraints_come_from_the_enums():
    with duckdb.connect() as con:
        runs.ensure_runs(con)
        assert _checks(con, "runs") == {status.value for status in RunStatus}
        assert _checks(con, "run_batches") == {role.value for role in BatchRole}


def test_a_run_that_published_is_linked_to_every_loaded_batch():
    with duckdb.connect() as con:
        runs.start_run(con, "run-1", "refresh", full_refresh=False)
        assert runs.runs(con, "run-1")[0].status is RunStatus.RUNNING
        for batch_id, status in (("old", BatchStatus.LOADED), ("new", BatchStatus.LOADED),
                                 ("bad", BatchStatus.QUARANTINED)):
            ledger.record_batch(con, batch_id=batch_id, source="gp_events",
                                file_name=f"{batch_id}.csv", sha256=batch_id,
                                received_at=datetime(2024, 5, 1), status=status, rows_read=5,
                                rows_loaded=5, rows_flagged=0, message="")
        runs.finish_run(con, "run-1", failure=None, loaded_batch_ids=["new"], files_quarantined=1,
                        rows_loaded=5, dbt_nodes=12, pack_files=[Path("out/index.html")])
        run = runs.runs(con, "run-1")[0]
        assert (run.status, run.files_loaded, run.files_quarantined, run.rows_loaded,
                run.dbt_nodes, run.pack_files) == (RunStatus.COMPLETED, 1, 1, 5, 12, ("index.html",))
        assert runs.run_batch_ids(con, "run-1", BatchRole.LOADED) == {"new"}
        assert runs.run_batch_ids(con, "run-1", BatchRole.PUBLISHED) == {"old", "new"}


def test_a_failed_run_publishes_nothing():
    with duckdb.connect() as con:
        runs.start_run(con, "run-2", "refresh", full_refresh=True)
        runs.finish_run(con, "run-2", failure="a file was quarantined", loaded_batch_ids=[],
                        files_quarantined=1, rows_loaded=0, dbt_nodes=None, pack_files=[])
        run = runs.runs(con, latest=1)[0]
        assert (run.status, run.message, run.pack_files) == (
            RunStatus.FAILED, "a file was quarantined", ())
        assert runs.run_batch_ids(con, "run-2", BatchRole.PUBLISHED) == set()

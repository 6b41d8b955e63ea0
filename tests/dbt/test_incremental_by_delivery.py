"""The staging tables incremental by delivery, and int_gp_events_clustered after them: a build that
takes in a new delivery leaves exactly the rows a full rebuild of the same raw layer gives
(macros latest_versions, gp_events_not_yet_clustered). The deliveries here are written straight
into the raw layer, to reach cases the demo extracts rarely hold."""

import duckdb

from pipelines.warehouse.dbt import build_warehouse
from tests.conftest import copy_of_warehouse

MODELS = ["staging.stg_gp__events", "intermediate.int_gp_events_clustered",
          "staging.stg_apc__diagnoses"]
SELECTED = [table.split(".")[1] for table in MODELS]  # the models' names
NOT_CLUSTERED = 999999999  # a SNOMED code in no cluster of ref_clinical_codes


def contents(settings) -> dict[str, list]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        return {table: con.execute(f"select * from {table} order by all").fetchall()
                for table in MODELS}


def deliver_corrections(settings) -> dict[str, str]:
    """A new delivery in raw.gp_events re-sending three clustered events: one with a code in no
    cluster, one with an earlier date, and one whose extract date is older than the version held
    (that version must keep winning); and in raw.apc_episodes an episode re-sent with no code in
    any position (the primary can arrive empty: its rule only flags). Returns what was done to
    which event, and the episode."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        events = [row[0] for row in con.execute(
            "select event_id from intermediate.int_gp_events_clustered "
            "group by event_id having count(*) = 1 order by event_id limit 3").fetchall()]
        sequence = con.execute("select max(_delivery_seq) + 1 from raw.gp_events").fetchone()[0]
        changes = {
            events[0]: f"snomed_code := {NOT_CLUSTERED}",
            events[1]: "clinical_effective_date := clinical_effective_date - 1",
            events[2]: "extract_date := extract_date - 400",
        }
        for event_id, change in changes.items():
            column, value = change.split(" := ")
            con.execute(
                f"insert into raw.gp_events by name select * replace ({value} as {column}, "
                f"'correction-batch' as _batch_id, ? as _delivery_seq) from raw.gp_events "
                "where event_id = ? qualify row_number() over (order by _delivery_seq desc) = 1",
                [sequence, event_id])
        episode = con.execute("select episode_id from staging.stg_apc__diagnoses group by 1 "
                              "having count(*) > 1 order by 1 limit 1").fetchone()[0]
        no_codes = ", ".join(["'' as Primary_Diagnosis_Code"] + [
            f"null as Secondary_Diagnosis_{n:02d}" for n in range(1, 20)])
        con.execute(
            f"insert into raw.apc_episodes by name select * replace ({no_codes}, "
            "'correction-batch' as _batch_id, (select max(_delivery_seq) + 1 from raw.apc_episodes) "
            "as _delivery_seq) from raw.apc_episodes where APCE_Ident = ? "
            "qualify row_number() over (order by _delivery_seq desc) = 1", [episode])
    return changes | {"episode": episode}


def test_a_new_delivery_leaves_what_a_full_rebuild_gives(built_warehouse, tmp_path):
    settings, _ = built_warehouse
    copy = copy_of_warehouse(settings, tmp_path / "incremental")
    before = contents(copy)
    changes = deliver_corrections(copy)

    build_warehouse(copy, ["--select", *SELECTED])
    incremental = contents(copy)
    rebuilt = copy_of_warehouse(copy, tmp_path / "rebuilt")
    build_warehouse(rebuilt, ["--select", *SELECTED, "--full-refresh"])
    assert incremental == contents(rebuilt)

    # and the corrections took effect: the event now in no cluster left the clustered table, the
    # redated one moved, the older version changed nothing
    clustered = {row[0]: row for row in incremental["intermediate.int_gp_events_clustered"]}
    held = {row[0]: row for row in before["intermediate.int_gp_events_clustered"]}
    episode = changes.pop("episode")
    first, second, third = changes
    assert first in held and first not in clustered
    assert (held[second][2] - clustered[second][2]).days == 1
    assert clustered[third] == held[third]
    assert len(incremental["staging.stg_gp__events"]) == len(before["staging.stg_gp__events"])
    # the episode re-sent without codes has no diagnosis left
    assert any(row[0] == episode for row in before["staging.stg_apc__diagnoses"])
    assert not any(row[0] == episode for row in incremental["staging.stg_apc__diagnoses"])


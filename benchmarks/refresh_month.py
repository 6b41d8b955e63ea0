"""Monthly refresh benchmark: after a full refresh of all months but the last, the refresh that adds
the last month's deliveries (ingest of the new files only, incremental dbt build, board pack),
against two baselines measured in the same run: that first full refresh, and a
`refresh --full-refresh` of the final state (nothing new to land; every model and period rebuilt),
which isolates what the incremental models save. Each is a real `pophealth refresh` in its own
process. The month's staging, intermediate, marts and published tables are compared with the full
rebuild's in the periods the refresh builds again (`layer_digests`): a cheaper refresh must not be
a different one. The older periods it keeps are compared too, and reported, not judged
(`kept_digests`): what a full rebuild would revise there is the revision policy's to keep back."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.ingest import generate_extracts
from pipelines.warehouse.digests import INPUT_DIGEST_COLUMNS, WHEN_COLUMNS, table_digests

POPHEALTH = Path(sys.executable).with_name("pophealth")
# issue 20: a month's dbt build at most this share of a full rebuild's
DBT_RATIO_TARGET = 0.25


def _refresh(env: dict, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(POPHEALTH), "refresh", *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def dbt_seconds(data: Path) -> float:
    """How long the last refresh's `dbt build` took, by dbt's own log line (its run_results.json is
    overwritten by the docs page written after it)."""
    log = (data / "dbt" / "logs" / "dbt.log").read_text()
    return float(re.findall(r"Finished running [^(]* in .*\(([0-9.]+)s\)", log)[-1])


def raw_rows(warehouse: Path) -> int:
    """Rows in the raw layer (every table of schema raw)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("select table_name from information_schema.tables "
                             "where table_schema = 'raw'").fetchall()
        return sum(con.execute(f'select count(*) from raw."{t}"').fetchone()[0] for (t,) in tables)


def file_rows(path: Path) -> int:
    """Rows in one delivered file, as DuckDB reads it."""
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    return duckdb.sql(f"select count(*) from {reader}('{path}')").fetchall()[0][0]


# Rows of the periods a refresh builds again (intermediate.int_open_periods, the revision policy)
# and of periods that are no reporting period (months); the rows of older reporting periods the
# per-period models keep as they were built, and a full rebuild may revise them.
OPEN_ROWS = ("period is null or period in (select period from intermediate.int_open_periods) "
             "or period not in (select period from intermediate.int_periods)")
COMPARED_SCHEMAS = ("staging", "intermediate", "marts", "published")


def built_from_kept_periods(manifest: Path) -> set[str]:
    """The tables ("schema.table") of the per-period models (incremental, unique_key period) and
    of every model built from them: the only tables whose closed periods a refresh may leave
    unlike a full rebuild. From dbt's manifest, so a new per-period model needs no list here."""
    graph = json.loads(manifest.read_text())
    models = {uid: node for uid, node in graph["nodes"].items() if node["resource_type"] == "model"}
    found = [uid for uid, node in models.items() if node["config"].get("materialized") ==
             "incremental" and node["config"].get("unique_key") == "period"]
    seen: set[str] = set()
    while found:
        uid = found.pop()
        if uid not in seen:
            seen.add(uid)
            found += [child for child in graph["child_map"].get(uid, []) if child in models]
    return {f"{models[uid]['schema']}.{models[uid]['alias']}" for uid in seen}


def layer_digests(warehouse: Path, kept: set[str]) -> dict[str, tuple]:
    """Row count and content hash of every staging, intermediate, marts and published table, the
    tables built from the per-period models (`kept`, built_from_kept_periods) in their open rows
    (OPEN_ROWS): what a month's refresh must leave as a full rebuild of the same raw layer does.
    Columns that say when, and input digests, are left out."""
    return table_digests(warehouse, COMPARED_SCHEMAS, leave_out_columns=WHEN_COLUMNS | INPUT_DIGEST_COLUMNS,
                         where={name: OPEN_ROWS for name in kept})


def kept_digests(warehouse: Path, kept: set[str]) -> dict[str, tuple]:
    """The same for the rows of kept periods (those OPEN_ROWS leaves out) of the tables `kept`:
    those whose kept rows differ from a full rebuild's hold revisions the policy keeps back until
    a full refresh."""
    return table_digests(warehouse, tables=kept, leave_out_columns=WHEN_COLUMNS | INPUT_DIGEST_COLUMNS,
                         where={name: f"not ({OPEN_ROWS})" for name in kept})


def _unlike(these: dict, those: dict) -> list[str]:
    return sorted(name for name in these.keys() | those.keys() if these.get(name) != those.get(name))


def run(persons: int = 1_200_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        extracts, data = Path(tmp) / "extracts", Path(tmp) / "data"
        generate_extracts(extracts, persons)
        files = sorted(extracts.glob("*/*.*"))
        last_month = max(p.stem.rsplit("_", 1)[-1] for p in files)
        held_back = [p for p in files if p.stem.endswith(f"_{last_month}")]
        for path in files:
            if path not in held_back:
                target = data / "landing" / path.parent.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
        env = {**os.environ, "PH_DATA_DIR": str(data), "PH_REPORTS_DIR": str(Path(tmp) / "pack")}
        full_s = _refresh(env)
        rows_before = raw_rows(data / "warehouse.duckdb")
        for path in held_back:
            shutil.copy(path, data / "landing" / path.parent.name / path.name)
        month_s = _refresh(env)
        month_dbt_s = dbt_seconds(data)
        rows_added = raw_rows(data / "warehouse.duckdb") - rows_before
        new_rows = sum(file_rows(p) for p in held_back)
        kept = built_from_kept_periods(data / "dbt" / "target" / "manifest.json")
        refreshed = layer_digests(data / "warehouse.duckdb", kept)
        refreshed_kept = kept_digests(data / "warehouse.duckdb", kept)
        rebuild_s = _refresh(env, "--full-refresh")
        rebuild_dbt_s = dbt_seconds(data)
        rebuilt = layer_digests(data / "warehouse.duckdb", kept)
        rebuilt_kept = kept_digests(data / "warehouse.duckdb", kept)
    return {
        "benchmark": "monthly refresh adding one month after a full refresh (ingest, dbt build, pack)",
        "persons": persons,
        "month_added": last_month,
        "files_added": len(held_back),
        "raw_rows_added": rows_added,
        "rows_in_the_new_files": new_rows,
        "seconds": round(month_s, 1),
        "baseline": "the full refresh of every earlier month, same run",
        "baseline_seconds": round(full_s, 1),
        "ratio_to_full_refresh": round(month_s / full_s, 2),
        "rebuild_baseline": "refresh --full-refresh of the final state (no new files), same run",
        "rebuild_seconds": round(rebuild_s, 1),
        "ratio_to_full_rebuild": round(month_s / rebuild_s, 2),
        # the dbt build alone, against DBT_RATIO_TARGET
        "dbt_seconds": round(month_dbt_s, 1),
        "rebuild_dbt_seconds": round(rebuild_dbt_s, 1),
        "dbt_ratio_to_full_rebuild": round(month_dbt_s / rebuild_dbt_s, 2),
        # the month's staging, intermediate, marts and published tables against the full
        # rebuild's, in the open periods (layer_digests)
        "tables_compared": len(refreshed),
        "tables_unlike_the_full_rebuild": _unlike(refreshed, rebuilt),
        # not a target: tables whose rows of kept periods a full rebuild revises (kept_digests)
        "tables_with_revisions_kept_back": _unlike(refreshed_kept, rebuilt_kept),
        "targets": {"dbt_ratio_to_full_rebuild": DBT_RATIO_TARGET,
                    "tables_unlike_the_full_rebuild": 0},
        "meets_targets": month_dbt_s / rebuild_dbt_s <= DBT_RATIO_TARGET and refreshed == rebuilt,
    }

"""``python -m tests.faults.step STEP``: one pipeline step as the flows run it (same lock, same
recovery, same code) without Prefect, for tests that kill it part-way or run it beside another.

- ``ingest``: land every source (printing each file's status as it ends), then the data-quality
  summary, holding the warehouse's exclusive lock, as the ingest flow does;
- ``build``: ``build_warehouse`` (which takes the lock itself), printing ``built``; dbt's progress
  lines go to stdout, where tests/faults/test_crashes.py finds its kill points;
- ``hold SECONDS [shared]``: take the lock, print ``held``, sleep.
"""

import sys
import time

from pipelines.config import load_settings

if __name__ == "__main__":
    step, settings = sys.argv[1], load_settings()
    if step == "ingest":
        from pipelines.contracts.model import load_contracts
        from pipelines.landing import land_all
        from pipelines.ops.data_quality import refresh_data_quality
        from pipelines.warehouse.connection import connect
        from pipelines.warehouse.lock import writing

        with writing(settings, "ingest"):
            contracts = list(load_contracts().values())
            land_all(settings, contracts, on_file=lambda batch: print(batch.status, flush=True))
            with connect(settings.duckdb_path) as con:
                refresh_data_quality(con, contracts)
        print("ingested", flush=True)
    elif step == "build":
        from pipelines.warehouse.dbt import build_warehouse

        build_warehouse(settings)
        print("built", flush=True)
    elif step == "hold":
        from pipelines.warehouse.lock import warehouse_lock

        shared = sys.argv[3:] == ["shared"]
        with warehouse_lock(settings.duckdb_path, not shared, what="hold"):
            print("held", flush=True)
            time.sleep(float(sys.argv[2]))
    else:
        raise SystemExit(f"unknown step {step}")

"""Serve the monthly refresh as a deployment with a cron schedule on a real Prefect server.

Prefect only runs schedules against a long-running server (the temporary one it starts for a single
run refuses), so this needs ``PREFECT_API_URL`` (``make server`` starts one on 127.0.0.1:4200; the
command line checks it is set before coming here). The process stays up, picks up scheduled and
manually triggered runs and executes them here.
"""

from __future__ import annotations

from pipelines.flows.refresh import refresh
from pipelines.flows.schedule import refresh_schedule

DEPLOYMENT = "monthly-refresh"


def serve_refresh(cron: str | None = None, sources: list[str] | None = None,
                  full_refresh: bool = False, name: str = DEPLOYMENT,
                  timezone: str | None = None) -> None:
    refresh.serve(
        name=name,
        schedules=[refresh_schedule(cron, timezone)],
        parameters={"sources": sources, "full_refresh": full_refresh},
        description="The monthly refresh: land and validate new extracts, build the warehouse, "
                    "write the board pack.",
        pause_on_shutdown=False,
    )

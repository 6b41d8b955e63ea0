"""Serve the monthly refresh as a deployment with a cron schedule on a real Prefect server.

Prefect only runs schedules against a long-running server (the temporary one it starts for a single
run refuses), so this needs ``PREFECT_API_URL`` (``make server`` starts one on 127.0.0.1:4200). The
process stays up, picks up scheduled and manually triggered runs and executes them here.
"""

from __future__ import annotations

import os

from pipelines.flows.refresh import refresh

DEPLOYMENT = "monthly-refresh"
# 06:00 on the 3rd of each month: the feeds arrive in the first working days [verify with the ICB].
DEFAULT_CRON = "0 6 3 * *"


class NoServer(RuntimeError):
    """There is no Prefect server to register the schedule with."""


def serve_refresh(cron: str | None = None, sources: list[str] | None = None,
                  full_refresh: bool = False, name: str = DEPLOYMENT) -> None:
    if not os.environ.get("PREFECT_API_URL"):
        raise NoServer("set PREFECT_API_URL to a running Prefect server (`make server` starts one "
                       "at http://127.0.0.1:4200/api); schedules cannot run on a temporary server")
    refresh.serve(
        name=name,
        cron=cron or os.environ.get("PH_REFRESH_CRON") or DEFAULT_CRON,
        parameters={"sources": sources, "full_refresh": full_refresh},
        description="The monthly refresh: land and validate new extracts, build the warehouse, "
                    "write the board pack.",
        pause_on_shutdown=False,
    )

"""When the monthly refresh runs: its cron schedule and time zone (one home for both).

The ICS works in UK time, so the schedule is in Europe/London (a bare cron expression would run in
UTC, an hour early all summer).
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# 06:00 on the 3rd of each month: the feeds arrive in the first working days [verify with the ICB].
DEFAULT_CRON = "0 6 3 * *"
DEFAULT_TIMEZONE = "Europe/London"


def refresh_schedule(cron: str | None = None, timezone: str | None = None):
    """The Prefect schedule: ``cron`` or PH_REFRESH_CRON or the default, in ``timezone`` or
    PH_REFRESH_TIMEZONE or Europe/London. Raises ValueError for an invalid expression or zone."""
    from prefect.schedules import Cron

    cron = cron or os.environ.get("PH_REFRESH_CRON") or DEFAULT_CRON
    timezone = timezone or os.environ.get("PH_REFRESH_TIMEZONE") or DEFAULT_TIMEZONE
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r} (use an IANA name such as "
                         "Europe/London)") from None
    return Cron(cron, timezone=timezone)

"""Progress of long steps reaches the log (and so the Prefect run log) every tenth of the way."""

import logging

from pipelines.progress import progress


def test_progress_logs_every_tenth_and_the_end(caplog):
    with caplog.at_level(logging.INFO), progress("landing gp_events", 25) as step:
        for i in range(25):
            step(f"file {i}")
    lines = [r.getMessage() for r in caplog.records if "landing gp_events" in r.getMessage()]
    assert len(lines) == 10
    assert lines[-1] == "landing gp_events: 25 of 25 (file 24)"

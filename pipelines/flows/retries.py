"""Which failures of an I/O task are worth a retry (with back-off) and which are not.

A usage or path error, a busy warehouse, a full disk or a refused file fails the same way a minute
later: retrying only delays the message (a missing warehouse used to be retried for 30 s).
"""

from __future__ import annotations

from prefect.tasks import exponential_backoff

from pipelines.errors import PipelineError, storage_problem

RETRIES = 2
RETRY_DELAYS = exponential_backoff(backoff_factor=10)  # 10 s, then 20 s


def worth_retrying(task, task_run, state) -> bool:
    """Prefect's ``retry_condition_fn``: retry unless the failure is one that cannot pass."""
    error = getattr(state, "data", None)
    if not isinstance(error, BaseException):
        return True
    return not isinstance(error, PipelineError) and storage_problem(error) is None


# the keyword arguments of every retried I/O task
IO_RETRIES = {"retries": RETRIES, "retry_delay_seconds": RETRY_DELAYS,
              "retry_condition_fn": worth_retrying}

"""Keep Python tracebacks out of a command-line run's output (``--debug`` brings them back).

Prefect logs a failing task or flow with the exception's traceback attached and prints it to the
console; the command line prints its own one-line ``ERROR:`` instead. Prefect re-creates its
console handlers when its temporary server starts, so a handler filter would not stay put: the
tracebacks are dropped where every log record is made. (A served deployment does not come through
here: its runs keep their tracebacks in the Prefect UI.)
"""

from __future__ import annotations

import logging

TRACEBACK_HEADER = "Traceback (most recent call last)"


def hide_tracebacks() -> None:
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "hides_tracebacks", False):
        return

    def record_without_traceback(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        if isinstance(record.msg, str) and TRACEBACK_HEADER in record.msg:
            record.msg = record.msg.split(TRACEBACK_HEADER)[0].rstrip()
        return record

    record_without_traceback.hides_tracebacks = True
    logging.setLogRecordFactory(record_without_traceback)

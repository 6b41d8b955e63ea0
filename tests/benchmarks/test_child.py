"""benchmarks/child.py: a step in a fresh process, which must not stop silently."""

import sys

import pytest

from benchmarks.child import in_child


def main_looks_like_a_doctest_run() -> bool:
    """pyspark's test (pyspark/sql/connect/utils.py: check_dependencies), which ends the process
    with exit 0 when it holds; Great Expectations runs it on import."""
    main = sys.modules["__main__"]
    return main.__spec__ is None and not hasattr(main, "__file__") and not hasattr(sys, "ps1")


def stop() -> None:
    raise SystemExit(0)


def test_the_child_main_is_not_taken_for_a_doctest_run():
    # pytest's own main, like `python -m benchmarks`, leaves spawn's child with a bare __main__
    assert in_child(main_looks_like_a_doctest_run) is False


def test_a_step_that_ends_its_process_is_an_error():
    with pytest.raises(RuntimeError, match="stop ended its process"):
        in_child(stop)

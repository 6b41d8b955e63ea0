"""Style is part of the suite: ruff over the Python code."""

import subprocess
import sys
from pathlib import Path

from pipelines.config import PROJECT_ROOT


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "pipelines", "tests", "flows.py", "scripts",
                             "benchmarks", "notebooks"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout

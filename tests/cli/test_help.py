"""Every subcommand explains itself; `python flows.py` is the same CLI."""

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.config import PROJECT_ROOT

SUBCOMMANDS = ["demo-data", "ingest", "build", "report", "refresh"]
PROPHEALTH = Path(sys.executable).with_name("pophealth")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_each_subcommand_has_help(command):
    result = subprocess.run([str(PROPHEALTH), command, "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"usage: pophealth {command}" in result.stdout


def test_top_level_help_lists_every_subcommand():
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "flows.py"), "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for command in SUBCOMMANDS:
        assert command in result.stdout


def test_an_unknown_subcommand_is_a_usage_error():
    result = subprocess.run([str(PROPHEALTH), "frobnicate"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr

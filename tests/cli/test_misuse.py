"""The command line used wrongly, as a hurried analyst would: every subcommand with wrong arguments,
missing paths and a missing warehouse. Each ends with the documented exit code (README "Commands":
2 for usage and path errors) and a message that says what to do, never a traceback.

Most cases fail the checks made before any flow starts, so they run in-process in milliseconds; the
ones that need a flow run against the session's Prefect test server; three run as real processes to
see exactly what a user's terminal shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main

PROPHEALTH = Path(sys.executable).with_name("pophealth")
USAGE, FAILED, OK = 2, 1, 0


@pytest.fixture
def paths(tmp_path, monkeypatch):
    """PH_* paths under an empty folder: no landing folder, no warehouse."""
    monkeypatch.setenv("PH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PH_REPORTS_DIR", str(tmp_path / "reports"))
    for name in ("PH_DUCKDB_PATH", "PH_LANDING_DIR", "PH_QUARANTINE_DIR", "PH_DUCKDB_TEMP_DIR",
                 "PREFECT_API_URL", "PH_REFRESH_CRON", "PH_REFRESH_TIMEZONE", "PH_BOARD_PACK_PDF"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(argv, capsys) -> tuple[int, str]:
    """Exit code and everything printed; argparse's usage errors exit through SystemExit."""
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code
    out = capsys.readouterr()
    return code, out.out + out.err


# argv, the words the message must contain (argparse's own usage errors, exit 2)
ARGUMENT_ERRORS = {
    "no command": ([], "required: COMMAND"),
    "unknown command": (["frobnicate"], "invalid choice"),
    "persons not a number": (["demo-data", "--persons", "abc"], "--persons"),
    "too few persons": (["demo-data", "--persons", "10"], "at least 1,000"),
    "negative seed": (["demo-data", "--seed", "-1"], "0 or more"),
    "month 13": (["demo-data", "--start", "2024-13"], "use YYYY-MM"),
    "month with a slash": (["demo-data", "--end", "2024/01"], "use YYYY-MM"),
    "select with no nodes": (["build", "--select"], "expected at least one argument"),
    "unknown option": (["build", "--bogus"], "unrecognized arguments: --bogus"),
    "sources without action": (["sources"], "required: ACTION"),
    "new source without name": (["sources", "new"], "required: name"),
    "unknown format": (["sources", "new", "lab_results", "--format", "xml"], "invalid choice"),
    "source without a name": (["ingest", "--source"], "expected one argument"),
    "stray argument": (["refresh", "now"], "unrecognized arguments: now"),
    "unknown engine": (["build", "--engine", "postgres"], "invalid choice: 'postgres'"),
}


@pytest.mark.parametrize("case", ARGUMENT_ERRORS)
def test_wrong_arguments_are_usage_errors(case, paths, capsys):
    argv, words = ARGUMENT_ERRORS[case]
    code, printed = run(argv, capsys)
    assert code == USAGE
    assert words in printed and "usage: pophealth" in printed
    assert "Traceback" not in printed


def _file(root: Path) -> Path:
    path = root / "a_file"
    path.write_text("not a folder\n")
    return path


# argv, environment, the words the message must contain (checks made before any flow: exit 2)
PATH_ERRORS = {
    "end before start": (["demo-data", "--start", "2024-05", "--end", "2024-01"], {},
                         "--end 2024-01 is before --start 2024-05"),
    "output under a file": (lambda root: ["demo-data", "--out", str(_file(root) / "x")], {},
                            "is a file, not a folder"),
    "ingest, no landing folder": (["ingest"], {}, "landing folder"),
    "ingest, landing is a file": (["ingest"], {"PH_LANDING_DIR": _file}, "is not a folder"),
    "refresh, no landing folder": (["refresh"], {}, "pophealth demo-data"),
    "ingest, unknown source": (["ingest", "--source", "gp_event"], {},
                               "no data contract for source(s) gp_event"),
    "refresh, unknown source": (["refresh", "--source", "nope"], {}, "pophealth sources list"),
    "build, no warehouse": (["build"], {}, "there is no warehouse"),
    "report, no warehouse": (["report"], {}, "pophealth refresh"),
    "docs, no warehouse": (["docs"], {}, "PH_DUCKDB_PATH"),
    "serve, no server": (["serve"], {}, "make server"),
    "serve, bad cron": (["serve", "--cron", "every monday"], {"PREFECT_API_URL": "http://127.0.0.1:9/api"},
                        "schedule is not valid"),
    "serve, unknown zone": (["serve", "--timezone", "Mars/Olympus"],
                            {"PREFECT_API_URL": "http://127.0.0.1:9/api"}, "unknown time zone"),
    "serve, unknown source": (["serve", "--source", "nope"],
                              {"PREFECT_API_URL": "http://127.0.0.1:9/api"}, "no data contract"),
    "bad switch value": (["build"], {"PH_BOARD_PACK_PDF": "maybe"}, "use 1 or 0"),
    "unknown engine in the environment": (["report"], {"PH_ENGINE": "postgres"},
                                          "use one of duckdb, spark"),
    "source name not snake case": (["sources", "new", "Lab-Results"], {}, "snake_case"),
    "source that exists": (["sources", "new", "gp_events"], {}, "already exists"),
}


@pytest.mark.parametrize("case", PATH_ERRORS)
def test_missing_paths_and_bad_values_are_named_before_anything_runs(case, paths, capsys,
                                                                     monkeypatch):
    argv, environment, words = PATH_ERRORS[case]
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value(paths) if callable(value) else value))
    code, printed = run(argv(paths) if callable(argv) else argv, capsys)
    assert code == USAGE, printed
    assert printed.startswith("ERROR: ") and words in printed, printed
    assert "Traceback" not in printed and "Starting temporary server" not in printed
    assert not (paths / "data" / "warehouse.duckdb").exists()  # nothing was created


def test_spark_without_java_says_what_to_install(paths, capsys, monkeypatch):
    (paths / "data").mkdir()
    (paths / "data" / "warehouse.duckdb").write_bytes(b"")  # past the warehouse check
    monkeypatch.setenv("PATH", str(paths))  # no java on it
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PH_ENGINE", "duckdb")  # so that what --engine sets is undone afterwards
    code, printed = run(["build", "--engine", "spark"], capsys)
    assert code == USAGE, printed
    assert printed.startswith("ERROR: ") and "openjdk-17-jre-headless" in printed


def test_sources_list_without_a_warehouse_says_there_is_none(paths, capsys):
    code, printed = run(["sources", "list"], capsys)
    assert code == OK
    assert "No warehouse at" in printed and "nothing has been loaded" in printed
    assert "quarantined" in printed.splitlines()[1]  # the column header
    assert not (paths / "data" / "warehouse.duckdb").exists()


@pytest.fixture
def api(prefect_server) -> str:
    """The session's Prefect server, so that a command's flow need not start a temporary one."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def terminal(argv, cwd: Path, api: str | None = None) -> subprocess.CompletedProcess:
    """The command as a user's terminal runs it (environment from the ``paths`` fixture). Flows
    run here rather than in-process: Prefect's console logging keeps the stream it first saw, which
    pytest closes between tests."""
    return subprocess.run([str(PROPHEALTH), *argv], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=os.environ | ({"PREFECT_API_URL": api} if api else {}))


def test_a_warehouse_with_no_published_layer_is_named_by_report(paths, api):
    import duckdb

    (paths / "data").mkdir()
    duckdb.connect(str(paths / "data" / "warehouse.duckdb")).close()
    done = terminal(["report"], paths, api)
    assert done.returncode == USAGE, done.stderr
    assert "has no published layer yet" in done.stderr and "pophealth build" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Retrying" not in done.stderr + done.stdout  # a usage error is not retried


def test_a_select_that_matches_nothing_is_a_usage_error(paths, built_warehouse, api):
    settings, _ = built_warehouse
    copy = paths / "data" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(settings.duckdb_path, copy)
    done = terminal(["build", "--select", "stg_gp_evnts"], paths, api)
    assert done.returncode == USAGE, done.stderr
    assert "--select stg_gp_evnts matched no model" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_an_empty_landing_folder_on_a_first_refresh_is_named(paths, api):
    (paths / "data" / "landing").mkdir(parents=True)
    done = terminal(["refresh"], paths, api)
    assert done.returncode == USAGE, done.stderr
    assert "holds no file to load" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("argv, code, words", [
    (["ingest", "--source", "nope"], USAGE, "no data contract"),
    (["demo-data", "--persons", "ten"], USAGE, "invalid persons value"),
    (["report"], USAGE, "there is no warehouse"),
])
def test_a_real_terminal_sees_one_line_and_the_exit_code(argv, code, words, paths):
    done = terminal(argv, paths)
    assert done.returncode == code
    assert words in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_debug_shows_the_traceback_of_an_unexpected_failure(paths, capsys, monkeypatch):
    """Anything that is not a foreseen failure is one line, unless --debug asks for the details."""
    import pipelines.cli.commands as commands

    def broken(args):
        raise KeyError("a bug")

    monkeypatch.setattr(commands, "_sources", broken)
    monkeypatch.setattr("pipelines.cli.run_command", commands.run_command)
    code, printed = run(["sources", "list"], capsys)
    assert code == FAILED
    assert "ERROR: KeyError: 'a bug' (run the command again with --debug" in printed
    assert "Traceback" not in printed
    code, printed = run(["sources", "list", "--debug"], capsys)
    assert code == FAILED and "Traceback" in printed


def test_a_busy_warehouse_is_refused_at_once_naming_its_holder(paths):
    """Another process holds the warehouse: writers and readers are refused (exit 3) before any
    flow starts, with the holder named."""
    import duckdb

    (paths / "data").mkdir()
    duckdb.connect(str(paths / "data" / "warehouse.duckdb")).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from pipelines.config import load_settings\n"
         "from pipelines.warehouse.lock import writing\n"
         "with writing(load_settings(), 'the test holder'):\n"
         "    print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=paths)
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in ("build", "report"):
            done = terminal([command], paths)
            assert done.returncode == 3, done.stderr
            assert "is in use by `the test holder" in done.stderr, done.stderr
            assert "Starting temporary server" not in done.stderr + done.stdout
    finally:
        holder.kill()
        holder.wait()

"""Each analyst notebook (a jupytext .py) executes top to bottom in a real kernel against a built
warehouse (the session's small one, read-only: the add-an-indicator notebook works on a copy)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

from pipelines.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.py"))


def test_there_are_the_three_analyst_notebooks():
    assert {p.stem for p in NOTEBOOKS} == {"explore_indicator", "add_an_indicator",
                                           "review_data_quality"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, built_warehouse, monkeypatch):
    settings, _ = built_warehouse
    monkeypatch.setenv("PH_DUCKDB_PATH", str(settings.duckdb_path))  # the kernel inherits it
    notebook = jupytext.read(path)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "execute_result" for o in outputs)  # it showed something

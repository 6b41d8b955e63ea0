"""Which package may lean on which: contracts is the source registry that landing reads, and ops
the records that landing and the flows write; neither reaches back up."""

import ast
from pathlib import Path

import pytest

from pipelines.config import PROJECT_ROOT

PIPELINES = PROJECT_ROOT / "pipelines"


def imported_modules(package: Path) -> dict[str, set[str]]:
    """Every module of the package (file name) → the modules it imports, at any depth."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(PROJECT_ROOT))] = names
    return found


def _reaching(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{module} imports {name}"
            for module, names in imported_modules(PIPELINES / package).items()
            for name in sorted(names) if name.startswith(forbidden)]


def test_no_module_in_contracts_imports_the_landing_package():
    assert _reaching("contracts", ("pipelines.landing", "pipelines.ingest")) == []


@pytest.mark.parametrize("upper", ["pipelines.landing", "pipelines.flows", "pipelines.report"])
def test_ops_imports_nothing_that_writes_to_it(upper):
    assert _reaching("ops", (upper,)) == []


def test_the_old_ingest_package_is_gone():
    # (a clone that had it may keep an untracked __pycache__ folder: only modules count)
    assert not list((PIPELINES / "ingest").glob("**/*.py"))

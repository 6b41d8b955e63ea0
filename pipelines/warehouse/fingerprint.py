"""Which version of the dbt project, and of the packages that run it, built the warehouse, so that
incremental models never extend tables that other code built.

The incremental models (staging by delivery, the per-period models, the clustered GP events) keep
the rows they built and add to them. Rows built by an earlier version of a model's SQL, a code list
(seed) or a variable would stay as they were beside rows built by the new one: figures that look
right and are not. The same holds for the packages that run it: another version of dbt's
materialisations (dbt-core, dbt-adapters, dbt-duckdb), of the seed loader's type inference
(dbt-common, agate) or of DuckDB may write or type the same rows differently. So a build records
the project's fingerprint (a hash of its models, macros, data tests, seeds, project file,
selectors, the variables it was given, and those packages' versions) in
``ops.build_fingerprint`` (``pipelines/ops/build_fingerprint.py``), and the next build whose
fingerprint differs rebuilds everything (``--full-refresh``) instead
(``pipelines/warehouse/dbt.py``). A build of the same project also leaves what only the reference
data decides as the last build wrote and tested it (the seeds, the models on them alone, their
tests): so the data tests are part of the fingerprint too.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

# what decides the rows a build writes and what it tests (not target/, logs/ or the docs), and which
# nodes a build of the same project leaves as they are (selectors.yml)
_PROJECT_PARTS = ("dbt_project.yml", "selectors.yml", "models", "macros", "tests", "seeds")
# the packages whose code writes or types the DuckDB warehouse's rows: dbt's materialisations (the
# shared ones, as `append`, are in dbt-adapters since dbt 1.8), the seed loader's type inference
# (dbt-common, agate), the adapter and the engine. Only a DuckDB build keeps rows by the
# fingerprint (a Spark build writes its tables whole; the one model that keeps rows there,
# fct_inequality_summary, checks each row's own input_digest)
ENGINE_PACKAGES = ("dbt-core", "dbt-adapters", "dbt-common", "agate", "dbt-duckdb", "duckdb")


def engine_versions() -> dict[str, str]:
    """The installed versions of the packages that build the DuckDB warehouse."""
    return {package: metadata.version(package) for package in ENGINE_PACKAGES}


def project_fingerprint(project_dir: Path, variables: dict, engine: dict[str, str] | None = None) -> str:
    """A hash of every file that decides what the project builds, of the variables passed and of
    the engine's versions (`engine`: engine_versions() unless given)."""
    digest = hashlib.sha256()
    for part in _PROJECT_PARTS:
        root = project_dir / part
        files = sorted(p for p in root.rglob("*") if p.is_file() and not _generated(p)) \
            if root.is_dir() else ([root] if root.is_file() else [])
        for path in files:
            digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    digest.update(json.dumps(variables, sort_keys=True, default=str).encode())
    digest.update(json.dumps(engine_versions() if engine is None else engine, sort_keys=True).encode())
    return digest.hexdigest()


def _generated(path: Path) -> bool:
    """Files no one wrote into the project (bytecode, editors' and systems' hidden files)."""
    return "__pycache__" in path.parts or path.name.startswith(".")

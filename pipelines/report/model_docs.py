"""The dbt documentation of every model, source, test and column as one offline HTML page
(`dbt docs generate --static`: the manifest and catalog are inlined), written beside the board pack."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.config import Settings
from pipelines.report.html import MODEL_DOCS
from pipelines.warehouse.dbt import run_dbt


def write_model_docs(settings: Settings) -> Path:
    run_dbt(settings, ["docs", "generate", "--static"])
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    page = settings.reports_dir / MODEL_DOCS
    shutil.copyfile(settings.dbt_artifacts_dir / "target" / "static_index.html", page)
    return page

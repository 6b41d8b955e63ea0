"""Quarantine: move a rejected file out of landing, with a report a person can read.

The report names the file, each broken rule, its column and how many rows break it, with a few
example values (never identifiers). It is written as Markdown for people and JSON for tools.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.landing.batch import Batch, BatchStatus, record

# Shown instead of a failing value that is (or derives from) an identifier.
REDACTED = "<identifier withheld>"


@dataclass(frozen=True)
class Finding:
    rule: str
    column: str | None
    failing_count: int | None
    examples: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"column {self.column}" if self.column else "whole file"
        count = f"{self.failing_count} failing row(s)" if self.failing_count is not None else ""
        text = f"rule '{self.rule}' on {where}" + (f": {count}" if count else "")
        if self.examples:
            text += f" (e.g. {', '.join(self.examples)})"
        return text


def quarantine_file(
    file: Path, source: str, batch_id: str, quarantine_root: Path, findings: list[Finding]
) -> Path:
    """Move ``file`` to quarantine/<source>/<batch_id>/ beside report.md and report.json."""
    target = quarantine_root / source / batch_id
    target.mkdir(parents=True, exist_ok=True)
    report = {
        "source": source,
        "file_name": file.name,
        "batch_id": batch_id,
        "findings": [finding.__dict__ | {"examples": list(finding.examples)} for finding in findings],
    }
    (target / "report.json").write_text(json.dumps(report, indent=2))
    lines = [
        f"# Quarantined: {file.name}",
        "",
        f"Source `{source}`, batch `{batch_id}`. The file broke its data contract "
        f"(`data_contracts/{source}.yml`) and nothing from it was loaded.",
        "",
        "| rule | column | failing rows | examples |",
        "|---|---|---|---|",
    ]
    for f in findings:
        count = "" if f.failing_count is None else str(f.failing_count)
        lines.append(f"| {f.rule} | {f.column or '(file)'} | {count} | {', '.join(f.examples)} |")
    lines += ["", "Fix the extract and deliver it again to the landing folder; "
              "the pipeline will pick it up on the next run."]
    (target / "report.md").write_text("\n".join(lines) + "\n")
    shutil.move(str(file), target / file.name)
    return target


def quarantine_batch(con: duckdb.DuckDBPyConnection, batch: Batch, quarantine_root: Path) -> None:
    """Move a batch that has findings to quarantine with its report, and record it in the ledger."""
    batch.quarantine_path = quarantine_file(batch.path, batch.source, batch.batch_id,
                                            quarantine_root, batch.findings)
    batch.status = BatchStatus.QUARANTINED
    batch.message = "; ".join(f.describe() for f in batch.findings)
    record(con, batch)

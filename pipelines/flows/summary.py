"""What a run did, as one Markdown summary: printed by the CLI and published as a Prefect artifact.

Only counts, file names, rule names and paths appear here: never row-level values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.landing.batch import Batch, BatchStatus
from pipelines.warehouse.dbt import DbtRun


@dataclass
class RunSummary:
    title: str
    batches: list[Batch] = field(default_factory=list)
    dbt: DbtRun | None = None
    dbt_nodes_failed: list[str] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    failure: str | None = None
    unchanged: str | None = None  # why nothing was rebuilt (no new data), when nothing was
    notes: list[str] = field(default_factory=list)

    @property
    def quarantined(self) -> list[Batch]:
        return self._with(BatchStatus.QUARANTINED)

    @property
    def loaded(self) -> list[Batch]:
        return self._with(BatchStatus.LOADED)

    def _with(self, status: BatchStatus) -> list[Batch]:
        return [b for b in self.batches if b.status == status]

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        if self.failure:
            lines.append("**Status: FAILED** — " + self.failure)
        elif self.unchanged:
            lines.append("**Status: NO NEW DATA** — " + self.unchanged)
        else:
            lines.append("**Status: OK**")
        lines.append("")
        if self.batches:
            lines += ["## Extracts landed", "", "| source | files loaded | rows loaded | rows flagged "
                      "| duplicates | already loaded | quarantined |", "|---|---|---|---|---|---|---|"]
            for source in sorted({b.source for b in self.batches}):
                mine = [b for b in self.batches if b.source == source]
                status = Counter(b.status for b in mine)
                lines.append(
                    f"| {source} | {status[BatchStatus.LOADED]} | "
                    f"{sum(b.rows_loaded for b in mine):,} | {sum(b.rows_flagged for b in mine):,} | "
                    f"{status[BatchStatus.DUPLICATE]} | {status[BatchStatus.ALREADY_LOADED]} | "
                    f"{status[BatchStatus.QUARANTINED]} |")
            lines.append("")
        if self.quarantined:
            lines += ["## Rejected batches", ""]
            for batch in self.quarantined:
                lines.append(f"- `{batch.file_name}` ({batch.source}) → `{batch.quarantine_path}`")
                lines += [f"  - {finding.describe()}" for finding in batch.findings]
            lines.append("")
        if self.dbt is not None or self.dbt_nodes_failed:
            lines += ["## dbt build", ""]
            if self.dbt is not None:
                by_type = Counter((n.resource_type, n.status) for n in self.dbt.nodes)
                lines += ["| node type | status | count |", "|---|---|---|"]
                lines += [f"| {t} | {s} | {c} |" for (t, s), c in sorted(by_type.items())]
                if self.dbt.full_rebuild_reason:
                    lines += ["", f"Note: {self.dbt.full_rebuild_reason}."]
            lines += [f"- failed: {name}" for name in self.dbt_nodes_failed]
            lines.append("")
        if self.reports:
            lines += ["## Reports", ""] + [f"- {path}" for path in self.reports] + [""]
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"

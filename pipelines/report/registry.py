"""The indicator registry as the reports see it: meta.indicator blocks read from dbt's manifest."""

from __future__ import annotations

import json
from pathlib import Path


def indicator_registry(manifest_path: Path) -> dict[str, dict]:
    """Indicator id → its metadata (plus the dbt model name), from target/manifest.json."""
    if not manifest_path.exists():
        raise FileNotFoundError(f"{manifest_path} not found: run `pophealth build` first")
    manifest = json.loads(manifest_path.read_text())
    registry = {}
    for node in manifest["nodes"].values():
        indicator = node.get("config", {}).get("meta", {}).get("indicator")
        if node["resource_type"] == "model" and indicator:
            registry[indicator["id"]] = {**indicator, "model": node["name"],
                                         "description": node.get("description", "")}
    return dict(sorted(registry.items()))

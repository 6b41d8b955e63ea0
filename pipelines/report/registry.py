"""The indicator registry as the reports see it: meta blocks read from dbt's manifest."""

from __future__ import annotations

import json
from pathlib import Path


def _manifest(manifest_path: Path) -> dict:
    if not manifest_path.exists():
        raise FileNotFoundError(f"{manifest_path} not found: run `pophealth build` first")
    return json.loads(manifest_path.read_text())


def indicator_registry(manifest_path: Path) -> dict[str, dict]:
    """Indicator id → its metadata (plus the dbt model name), from target/manifest.json."""
    registry = {}
    for node in _manifest(manifest_path)["nodes"].values():
        indicator = node.get("config", {}).get("meta", {}).get("indicator")
        if node["resource_type"] == "model" and indicator:
            registry[indicator["id"]] = {**indicator, "model": node["name"],
                                         "description": node.get("description", "")}
    return dict(sorted(registry.items()))


def series_registry(manifest_path: Path) -> dict[str, dict]:
    """Monthly series id → its metadata (meta.series of fct_monthly_activity)."""
    return {series["id"]: {**series, "model": node["name"]}
            for node in _manifest(manifest_path)["nodes"].values()
            if node["resource_type"] == "model"
            for series in node.get("config", {}).get("meta", {}).get("series", [])}

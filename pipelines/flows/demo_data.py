"""Flow: write the synthetic demo extracts into the landing folder (or another folder)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from pipelines.config import load_settings
from pipelines.synthetic.generate import (
    DEFAULT_END,
    DEFAULT_PERSONS,
    DEFAULT_SEED,
    DEFAULT_START,
    generate,
)


@flow(name="demo-data", log_prints=True)
def demo_data(
    out_dir: str | None = None,
    persons: int = DEFAULT_PERSONS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
) -> dict[str, int]:
    settings = load_settings()
    target = Path(out_dir).resolve() if out_dir else settings.landing_dir
    result = generate(target, persons=persons, seed=seed, start=start, end=end)
    for source, rows in result.rows.items():
        print(f"{source}: {len(result.files[source])} monthly files, {rows:,} rows → {target / source}")
    return result.rows

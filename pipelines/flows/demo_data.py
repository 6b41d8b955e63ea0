"""Flow: write the synthetic demo extracts into the landing folder (or another folder)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from pipelines.config import load_settings
from pipelines.errors import UsageError, storage_error
from pipelines.synthetic.check import calibration_check, format_checks
from pipelines.synthetic.generate import (
    DEFAULT_END,
    DEFAULT_PERSONS,
    DEFAULT_SEED,
    DEFAULT_START,
    DEFAULT_WORKERS,
    generate,
)


@flow(name="demo-data", log_prints=True)
def demo_data(
    out_dir: str | None = None,
    persons: int = DEFAULT_PERSONS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    clean: bool = False,
    check: bool = False,
    workers: int = DEFAULT_WORKERS,
) -> bool:
    """Write the extracts; with ``check``, compare their measures with the calibration targets in
    every financial year. Returns False when any year of any target is out."""
    settings = load_settings()
    target = Path(out_dir).resolve() if out_dir else settings.landing_dir
    try:
        result = generate(target, persons=persons, seed=seed, start=start, end=end, clean=clean,
                          workers=workers)
    except OSError as error:
        raise storage_error(error, target, "no extract was half-written into the warehouse") or \
            UsageError(f"cannot write the demo extracts to {target}: {error.strerror or error}") \
            from None
    for source, rows in result.rows.items():
        print(f"{source}: {len(result.files[source])} monthly files, {rows:,} rows → {target / source}")
    if not check:
        return True
    checks = calibration_check(target)
    print("Calibration check: each target against the value computed from the files, per "
          "financial year\n" + format_checks(checks))
    return all(c.ok for c in checks)

"""The demo generator's own knowledge of the world (LSOAs, codes, the hypertension truth model),
kept apart from the dbt seeds the indicators read. Provenance of every file: README.md here."""

from pathlib import Path

WORLD_DIR = Path(__file__).resolve().parent

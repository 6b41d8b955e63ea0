"""``python -m tests.landing.land_in_small_chunks SOURCE``: land one source committing every few
files and print each file's status as it ends, for a test that kills this process part-way."""

import sys

from pipelines.config import load_settings
from pipelines.contracts.model import load_contracts
from pipelines.landing import land, land_all

if __name__ == "__main__":
    land.CHUNK_ROWS = 1000  # commit every few files, so that a kill lands between commits
    land_all(load_settings(), [load_contracts()[sys.argv[1]]],
             on_file=lambda batch: print(batch.status, flush=True))

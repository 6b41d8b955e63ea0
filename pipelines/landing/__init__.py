"""Landing: delivered files from the landing folder into the raw layer, each checked against its
data contract on the way; ``land_all(settings, sources)`` is the one entry, and
``unexpected_entries(landing_dir, contracts)`` names what the landing folder holds that it does not
take.

A file's way in, module by module: ``paths`` decides what may be read at all (regular files with a
plain name, never a link) and opens it; ``identify`` hashes it into a ``batch.Batch``; ``reader``
checks its bytes and header and reads it into the scratch table (``scratch``), replacing clear NHS
numbers as it goes (``pseudonymise``); ``validation`` checks its values with Great Expectations and
DuckDB casts; then ``quarantine`` moves it aside with a report, or ``raw`` loads it. Why a file is
refused is a ``findings.Finding``, in words that never quote the file. Every file that ends loaded,
quarantined or a duplicate gets a row in the ledger (``pipelines.ops.ledger``).
"""

from pipelines.landing.land import land_all
from pipelines.landing.paths import unexpected_entries

__all__ = ["land_all", "unexpected_entries"]

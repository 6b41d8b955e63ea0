"""Landing: delivered files from the landing folder into the raw layer, each checked against its
data contract on the way; ``land_all(settings, sources)`` is the one entry.

A file's way in, module by module: ``identify`` hashes it into a ``batch.Batch``; ``reader`` checks
its header and reads it into the scratch table (``scratch``), replacing clear NHS numbers as it
goes (``pseudonymise``); ``validation`` checks its values with Great Expectations; then
``quarantine`` moves it aside with a report, or ``raw`` loads it. Every file that ends loaded,
quarantined or a duplicate gets a row in the ledger (``pipelines.ops.ledger``).
"""

from pipelines.landing.land import land_all

__all__ = ["land_all"]

"""The ``ops`` schema: the pipeline's own records, kept in the warehouse beside the data.

One module per record, each owning its tables (DDL), its writers and its typed readers:

- ``ledger``: ``ops.ingest_batches``, one row per delivered file the landing has seen;
- ``runs``: ``ops.runs`` and ``ops.run_batches``, what each refresh loaded and published from;
- ``data_quality``: ``ops.data_quality``, per source and month of activity.

Nothing here depends on the landing, the flows or the report: they call these writers with counts,
names and paths, and read back through the readers (never through their own SQL on ``ops``).
"""

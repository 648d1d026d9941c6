"""Records into the raw tables: the one door is `ingest` (files to loaded, duplicate or
quarantined) and `reparse` (stored texts to new records).

Behind it: `pipeline` finds the files and runs a load; `pool` holds the worker processes and
`workers` is what they run (extract, parse, Arrow `rows`); `run` is the parent's side (identity
against the `known` keys, batches) writing through `store`; `schema` derives the tables from the
letter record. `head`, `progress` and the worker settings in `pool` and `workers` exist for
speed and feedback only; `export` writes the raw tables as Parquet.
"""

from ingest.load.pipeline import BATCH_SIZE, RunSummary, ingest, reparse

__all__ = ["BATCH_SIZE", "RunSummary", "ingest", "reparse"]

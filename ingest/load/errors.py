"""How an ingest run fails: each error's message is one line naming the file or the step, what
the command prints and the run's record keeps (`raw.ingest_runs.message`)."""

from __future__ import annotations


class MissingInput(FileNotFoundError):
    """An input path that does not exist: the command's arguments are wrong, and nothing is done."""

    def __init__(self, path: str) -> None:
        super().__init__(f"no such file or folder: {path}")


class IngestFailed(RuntimeError):
    """A run that could not go on (the raw database cannot be opened or written, the disk is
    full...). Batches committed before stay; the next run goes on from there."""


class DamagedDatabase(IngestFailed):
    """The raw database file cannot be read: it is left as it is, for the rebuild that
    docs/ingest.md describes."""

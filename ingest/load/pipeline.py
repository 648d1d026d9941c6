"""An ingest run: find the files, identify them, process the new ones in worker processes, load
them in batches.

Every input file ends up loaded, recognised as a duplicate (its bytes are already in the
warehouse or earlier in this run, under any name), or quarantined with its reason. The parent
reads and hashes each file once, so workers only see new bytes. Memory stays bounded: a few
chunks are in flight, and one batch is held before it is written.

This module imports little (the parent's side is `ingest.load.run`, the workers' `ingest.load.workers`):
a run spawns its workers first, and only then imports DuckDB, pyarrow and the parser.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.load.head import send_head
from ingest.load.pool import WorkerPool, work_units
from ingest.load.schema import ROW_GROUP_SIZE

if TYPE_CHECKING:
    from ingest.load.run import RunCounts

SUFFIXES = (".pdf", ".txt")
# Letters per transaction: a whole row group, which DuckDB writes straight into the database
# file. A smaller batch goes through its write-ahead log, which DuckDB then copies into the file
# at a checkpoint. Counted in letters, not in files seen: the letters of the files in flight
# arrive later, and batches cut by files held fewer letters than a row group. A batch is also written after twice as many files, for
# runs of mostly duplicates.
BATCH_SIZE = ROW_GROUP_SIZE


@dataclass
class RunSummary:
    """What one run did, for the summary line and the exit status."""

    load_id: str
    counts: RunCounts
    seconds: float
    failures: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        c = self.counts
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(c.kinds.items()))
        parts = [
            f"{c.files_seen} files: {c.loaded} loaded, {c.duplicates} duplicates, "
            f"{c.quarantined + c.known_bad} quarantined" + (f" ({kinds})" if kinds else "")
        ]
        if c.known_bad:
            parts.append(f"{c.known_bad} of them already in quarantine")
        if c.reparsed:
            parts.append(f"{c.reparsed} reparsed")
        rate = c.files_seen / self.seconds if self.seconds else 0.0
        return f"run {self.load_id}: " + "; ".join(parts) + f" in {self.seconds:.1f} s ({rate:.0f} files/s)"


def discover(paths: Iterable[Path]) -> Iterator[str]:
    """Absolute paths of the files to ingest: named files as given, folders searched recursively
    for .pdf and .txt (plain strings: a run may list millions)."""
    for path in paths:
        top = os.path.abspath(path)
        if os.path.isdir(top):
            for root, dirs, files in os.walk(top):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES):
                        yield os.path.join(root, name)
        else:
            yield top


def ingest(
    paths: Iterable[Path], home: Path, workers: int | None = None, batch_size: int = BATCH_SIZE, progress: bool | None = None
) -> RunSummary:
    """Load every file under `paths` into the raw database of `home`."""
    started = time.perf_counter()
    files = list(discover(paths))
    with WorkerPool(workers, len(files), sum(map(work_units, files))) as pool:
        head = send_head(pool, files)  # their first files, waiting for them when they are ready
        from ingest.load.run import load_files  # now: its imports overlap the workers' own

        load_id, counts = load_files(files, home, pool, batch_size, _quiet(progress), head)
    return RunSummary(load_id, counts, time.perf_counter() - started)


def reparse(home: Path, workers: int | None = None, batch_size: int = BATCH_SIZE, progress: bool | None = None) -> RunSummary:
    """Re-parse the stored text of letters loaded by another parser version (no files needed)."""
    from ingest.load.run import reparse_stale  # imported when needed, as in ingest()

    started = time.perf_counter()
    load_id, counts, failures = reparse_stale(home, workers, batch_size, _quiet(progress))
    return RunSummary(load_id, counts, time.perf_counter() - started, failures=failures)


def _quiet(progress: bool | None) -> bool:
    return not (progress if progress is not None else sys.stderr.isatty())

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
import stat
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.extract.files import MAX_FILE_SIZE, not_regular, refusal
from ingest.load.errors import MissingInput
from ingest.load.head import send_head
from ingest.load.pool import WorkerPool, work_units
from ingest.load.schema import ROW_GROUP_SIZE
from ingest.outcomes import Quarantined

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


@dataclass
class Inputs:
    """What a run found to read: the files, and the paths refused unopened."""

    files: list[str]  # absolute paths, plain strings: a run may list millions
    refused: list[Quarantined]  # not regular files (FIFOs, sockets, devices, or links to them)

    def __len__(self) -> int:
        return len(self.files) + len(self.refused)


def check_inputs(paths: Iterable[Path]) -> None:
    """MissingInput for the first path that does not exist: a command's arguments are wrong, and
    it does nothing (a refresh asks before it takes its lock)."""
    for path in paths:
        if not os.path.exists(path):
            raise MissingInput(str(path))


def discover(paths: Iterable[Path]) -> Inputs:
    """The files to ingest: named files as given, folders searched recursively for .pdf and .txt.

    Nothing is opened here, and only regular files are opened later: a FIFO would block the
    run, a device might never end. A folder's entries are typed from the folder listing itself,
    so a regular file costs no system call; a link costs a stat() of its target. A path that
    does not exist is the caller's mistake: MissingInput, before anything is done.
    """
    inputs = Inputs([], [])
    for path in paths:
        top = os.path.abspath(path)
        try:
            mode = os.stat(top).st_mode
        except FileNotFoundError:
            raise MissingInput(str(path)) from None
        except OSError:
            inputs.files.append(top)  # read_file says why it cannot be read
            continue
        if stat.S_ISDIR(mode):
            _walk(top, inputs)
        elif stat.S_ISREG(mode):
            inputs.files.append(top)
        else:
            inputs.refused.append(not_regular(top, mode))
    return inputs


def _walk(folder: str, inputs: Inputs) -> None:
    """A folder's .pdf and .txt files into `inputs`, in the order os.walk() gave them: the
    folder's own files by name, then each sub-folder (links to folders are not followed)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        inputs.refused.append(Quarantined(folder, None, None, "unreadable", f"cannot list folder: {error.strerror or error}"))
        return
    for entry in entries:
        if entry.name.lower().endswith(SUFFIXES) and not entry.is_dir():
            refused = None if entry.is_file() else refusal(entry.path)  # None: a link to nothing, which read_file reports
            if refused:
                inputs.refused.append(refused)
            else:
                inputs.files.append(entry.path)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, inputs)


def ingest(
    paths: Iterable[Path],
    home: Path,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: bool | None = None,
    max_file_size: int = MAX_FILE_SIZE,
) -> RunSummary:
    """Load every file under `paths` into the raw database of `home`; files over `max_file_size`
    bytes are quarantined unread. Raises MissingInput before a run starts, IngestFailed when
    a run cannot go on (its record then says failed, with the same message)."""
    started = time.perf_counter()
    inputs = discover(paths)
    with WorkerPool(workers, len(inputs.files), sum(map(work_units, inputs.files))) as pool:
        head = send_head(pool, inputs.files, max_file_size)  # their first files, waiting for them when they are ready
        from ingest.load.run import load_files  # now: its imports overlap the workers' own

        load_id, counts = load_files(inputs, home, pool, batch_size, _quiet(progress), head, max_file_size)
    return RunSummary(load_id, counts, time.perf_counter() - started)


def reparse(home: Path, workers: int | None = None, batch_size: int = BATCH_SIZE, progress: bool | None = None) -> RunSummary:
    """Re-parse the stored text of letters loaded by another parser version (no files needed)."""
    from ingest.load.run import reparse_stale  # imported when needed, as in ingest()

    started = time.perf_counter()
    load_id, counts, failures = reparse_stale(home, workers, batch_size, _quiet(progress))
    return RunSummary(load_id, counts, time.perf_counter() - started, failures=failures)


def _quiet(progress: bool | None) -> bool:
    return not (progress if progress is not None else sys.stderr.isatty())

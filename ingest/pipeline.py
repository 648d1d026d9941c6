"""An ingest run: find the files, identify them, process the new ones in worker processes, load
them in batches.

Every input file ends up loaded, recognised as a duplicate (its bytes are already in the
warehouse or earlier in this run, under any name), or quarantined with its reason. The parent
reads and hashes each file once, so workers only see new bytes. Memory stays bounded: files
are discovered lazily, a few chunks are in flight, and one batch is held before it is written.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tqdm import tqdm

from ingest import PARSER_VERSION
from ingest.extract import SUFFIXES, sha256_of
from ingest.letters import read_file
from ingest.loader import ROW_GROUP_SIZE, Batch, RawStore, RunCounts
from ingest.rows import Quarantined
from ingest.workers import ChunkResult, init_worker, process_files, reparse_texts

# What a worker takes at a time, in units of work where a .txt letter costs 1 (about 0.3 ms) and
# a PDF costs PDF_COST (its text extraction takes about 8 times longer). Big chunks cost less to
# hand out; small ones share the end of a run evenly: a run's last chunks keep one worker busy
# while the other waits. Every worker gets about eight chunks of a small run.
MAX_CHUNK = 256
MIN_CHUNK = 8
PDF_COST = 8
IN_PROCESS_BELOW = 64  # fewer files than this: spawning workers costs more than it saves
# Files whose bytes travel to the worker with the task; bigger ones (PDFs) the worker re-reads.
SHIP_BYTES_BELOW = 64 * 1024
# Letters per transaction: a whole row group, which DuckDB writes straight into the database
# file. A smaller batch goes through its write-ahead log, which DuckDB then copies into the file
# at a checkpoint (0.1-0.4 s for every 16 MB of log). Counted in letters, not in files seen: the
# letters of the files in flight arrive later, and batches cut at 8,192 files held 6,000-8,000
# letters and all went through the log. A batch is also written after twice as many files, for
# runs of mostly duplicates.
BATCH_SIZE = ROW_GROUP_SIZE
# A run's last batch is smaller than a row group: written whole after the last result, it kept
# one core busy for the last 0.4 s of a 12,000-PDF run, the workers done. Once the files left
# cannot fill another batch, results are written in pieces of this many letters whenever the
# writer is free, beside the workers.
TAIL_PIECE = 512

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RunSummary:
    """What one run did, for the summary line and the exit status."""

    load_id: str
    counts: RunCounts
    seconds: float
    status: str = "succeeded"
    failures: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        c = self.counts
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(c.kinds.items()))
        parts = [f"{c.files_seen} files: {c.loaded} loaded, {c.duplicates} duplicates, "
                 f"{c.quarantined + c.known_bad} quarantined" + (f" ({kinds})" if kinds else "")]
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


def ingest(paths: Iterable[Path], home: Path, workers: int | None = None, batch_size: int = BATCH_SIZE,
           progress: bool | None = None) -> RunSummary:
    """Load every file under `paths` into the raw database of `home`."""
    started = time.perf_counter()
    files = list(discover(paths))
    cost = sum(map(_cost, files))
    with ExitStack() as stack:
        pool = stack.enter_context(_Pool(workers, len(files), cost))  # workers warm up while we read the database
        store = stack.enter_context(RawStore(home))
        load_id = store.start_run(PARSER_VERSION)
        run = _Run(store, load_id, batch_size)
        status = "failed"
        try:
            bar = stack.enter_context(tqdm(total=len(files), unit="file", disable=_quiet(progress), desc="ingest"))
            try:
                for result in pool.map(process_files, run.new_files(files, bar, pool.chunk)):
                    run.add(result)
                pool.release()  # the workers exit while the last rows are written
            finally:
                run.flush(wait=True)
            status = "succeeded"
        finally:
            store.finish_run(load_id, status)
    return RunSummary(load_id, run.counts, time.perf_counter() - started, status)


def reparse(home: Path, workers: int | None = None, batch_size: int = BATCH_SIZE, progress: bool | None = None) -> RunSummary:
    """Re-parse the stored text of letters loaded by another parser version (no files needed)."""
    started = time.perf_counter()
    with RawStore(home) as store:
        stale = store.stale_letters(PARSER_VERSION)
        load_id = store.start_run(PARSER_VERSION)
        counts = RunCounts()
        failures: list[str] = []
        status = "failed"
        try:
            with _Pool(workers, len(stale), len(stale)) as pool, \
                    tqdm(total=len(stale), unit="letter", disable=_quiet(progress), desc="reparse") as bar:
                pending: list[dict[str, Any]] = []
                chunks = (stale[i:i + pool.chunk] for i in range(0, len(stale), pool.chunk))
                for results in pool.map(reparse_texts, chunks):
                    for result in results:
                        if isinstance(result, dict):
                            pending.append(result)
                        else:
                            failures.append(f"{result[0]}: {result[1]}")
                    bar.update(len(results))
                    if len(pending) >= batch_size:
                        store.replace_records(load_id, pending, PARSER_VERSION)
                        counts.reparsed += len(pending)
                        pending = []
                store.replace_records(load_id, pending, PARSER_VERSION)
                counts.reparsed += len(pending)
            status = "succeeded"
        finally:
            store.finish_run(load_id, status)
    return RunSummary(load_id, counts, time.perf_counter() - started, status, failures)


class _Run:
    """The parent's side of an ingest run: identify files, collect results, write batches.

    Batches are written by one background thread (DuckDB releases the GIL while it inserts), so
    the workers keep getting files while a batch goes in; at most one batch waits to be written.
    """

    def __init__(self, store: RawStore, load_id: str, batch_size: int) -> None:
        self.store, self.load_id, self.batch_size = store, load_id, batch_size
        self.letters, self.bad, self.sources = store.known_letters(), store.known_bad(), store.known_sources()
        self.counts = RunCounts()
        self.batch = Batch()
        self.ending = False  # no full batch is left to fill: write results as they come (TAIL_PIECE)
        self.writing: Future[None] | None = None
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="imr-writer")

    def new_files(self, files: list[str], bar: tqdm, size: int) -> Iterator[list[tuple[str, str, bytes | None]]]:
        """Chunks of files never met before, as (path, sha256, bytes to ship or None), each
        costing about `size` units of work."""
        chunk: list[tuple[str, str, bytes | None]] = []
        cost = 0
        for seen, path in enumerate(files):
            self.ending = len(files) - seen + len(self.batch) <= self.batch_size
            bar.update(1)
            self.batch.files_seen += 1
            data = read_file(path)
            if isinstance(data, Quarantined):
                self._quarantine(data)
                continue
            sha256 = sha256_of(data)
            self._saw(sha256, path)
            if sha256 in self.letters:
                self.batch.duplicates += 1
            elif sha256 in self.bad:
                self.batch.known_bad += 1
            else:
                self.letters.add(sha256)  # claimed: later copies in this run are duplicates
                chunk.append((path, sha256, data if len(data) < SHIP_BYTES_BELOW else None))
                cost += _cost(path)
                if cost >= size:
                    yield chunk
                    chunk, cost = [], 0
            if self._full():
                self.flush()
        self.ending = True
        if chunk:
            yield chunk

    def add(self, result: ChunkResult) -> None:
        tables = result.tables()
        self.batch.letters.append(tables)
        self.batch.loaded += tables.letters.num_rows
        for bad in result.quarantined:
            self.letters.discard(bad.sha256 or "")
            self._quarantine(bad)
        if self._full() or (self.ending and self.batch.loaded >= TAIL_PIECE and (self.writing is None or self.writing.done())):
            self.flush()

    def _full(self) -> bool:
        return self.batch.loaded >= self.batch_size or len(self.batch) >= 2 * self.batch_size

    def flush(self, wait: bool = False) -> None:
        """Hand the batch to the writer (after the previous one is in); `wait` for it to land."""
        self.wait()
        batch, self.batch = self.batch, Batch()
        self.writing = self.writer.submit(self._write, batch)
        if wait:
            self.wait()
            self.writer.shutdown()

    def wait(self) -> None:
        if self.writing is not None:
            self.writing.result()  # re-raises a failed write here, in the run
            self.writing = None

    def _write(self, batch: Batch) -> None:
        self.store.write_batch(self.load_id, batch, PARSER_VERSION)
        self.counts.files_seen += batch.files_seen
        self.counts.loaded += batch.loaded
        self.counts.duplicates += batch.duplicates
        self.counts.quarantined += len(batch.quarantined)
        self.counts.known_bad += batch.known_bad
        self.counts.kinds.update(q.kind for q in batch.quarantined)

    def _quarantine(self, bad: Quarantined) -> None:
        key = bad.sha256 or f"path:{bad.path}"
        if key in self.bad:
            self.batch.known_bad += 1
        else:
            self.bad.add(key)
            self.batch.quarantined.append(bad)

    def _saw(self, sha256: str, path: str) -> None:
        if self.sources.claim((sha256, path)):
            self.batch.sources.append((sha256, path))


class _Pool:
    """Worker processes (spawned) when the input is big enough, else this process."""

    def __init__(self, workers: int | None, files: int, cost: int) -> None:
        count = max(1, workers if workers is not None else (os.cpu_count() or 1))  # --workers 0: this process
        self.executor: ProcessPoolExecutor | None = None
        if count > 1 and files >= IN_PROCESS_BELOW:
            self.executor = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=init_worker)
            for _ in range(count):  # start them now, so their imports overlap the parent's set-up
                self.executor.submit(int)
        self.window = 4 * count
        self.chunk = max(MIN_CHUNK, min(MAX_CHUNK, cost // (8 * count)))

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        """`function` over `chunks`, results in order, with a bounded number of chunks in flight."""
        if self.executor is None:
            yield from map(function, chunks)
            return
        in_flight: list[Future[R]] = []
        for chunk in chunks:
            in_flight.append(self.executor.submit(function, chunk))
            if len(in_flight) >= self.window:
                yield in_flight.pop(0).result()
        for future in in_flight:
            yield future.result()

    def release(self) -> None:
        """Let the workers go once their last results are in, without waiting for them to exit."""
        if self.executor is not None:
            self.executor.shutdown(wait=False)

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)


def _cost(path: str) -> int:
    return PDF_COST if path.lower().endswith(".pdf") else 1


def _quiet(progress: bool | None) -> bool:
    return not (progress if progress is not None else sys.stderr.isatty())

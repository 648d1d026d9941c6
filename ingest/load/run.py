"""The parent's side of an ingest run: identify each file, hand the new ones to the workers,
collect their rows and write them in batches. Imported by `ingest.load.pipeline` once the workers are
spawned: its imports (DuckDB, pyarrow, the parser) then overlap theirs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ingest.extract.files import read_file, sha256_of
from ingest.load.head import Head
from ingest.load.pool import Chunk, Chunker, WorkerPool
from ingest.load.progress import Bar, progress
from ingest.load.store import Batch, RawStore
from ingest.load.workers import ChunkResult, process_files, reparse_texts
from ingest.outcomes import Quarantined
from ingest.parse import PARSER_VERSION
from ingest.record import LetterRecord

# A run's last batch is smaller than a row group: written whole after the last result, it would
# keep one core busy after the workers are done. Once the files left
# cannot fill another batch, results are written in pieces of this many letters whenever the
# writer is free, beside the workers.
TAIL_PIECE = 512


@dataclass
class RunCounts:
    files_seen: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    known_bad: int = 0
    reparsed: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


def load_files(
    files: list[str], home: Path, pool: WorkerPool, batch_size: int, quiet: bool, head: Head | None = None
) -> tuple[str, RunCounts]:
    """Load `files` into the raw database of `home` with the workers of `pool`: (load id, counts).
    `head`: the first files, sent already (see ingest.load.head)."""
    with ExitStack() as stack:
        store = stack.enter_context(RawStore(home))
        load_id = store.start_run(PARSER_VERSION)
        run = Run(store, load_id, batch_size)
        head = run.settle(head or Head())
        status = "failed"
        try:
            bar = stack.enter_context(progress(len(files), "file", "ingest", quiet))
            try:
                chunks = run.new_files(files, bar, pool.chunk, head)
                for result in pool.map(process_files, chunks, started=head.results):
                    run.add(result)
                pool.release()  # the workers exit while the last rows are written
            finally:
                run.flush(wait=True)
            status = "succeeded"
        finally:
            store.finish_run(load_id, status)
    return load_id, run.counts


def reparse_stale(home: Path, workers: int | None, batch_size: int, quiet: bool) -> tuple[str, RunCounts, list[str]]:
    """Re-parse the stored text of letters loaded by another parser version: (load id, counts,
    the letters the new parser cannot read, with why)."""
    with RawStore(home) as store:
        stale = store.stale_letters(PARSER_VERSION)
        load_id = store.start_run(PARSER_VERSION)
        counts = RunCounts()
        failures: list[str] = []
        status = "failed"
        try:
            with WorkerPool(workers, len(stale), len(stale)) as pool, progress(len(stale), "letter", "reparse", quiet) as bar:
                pending: list[LetterRecord] = []
                chunks = (stale[i : i + pool.chunk] for i in range(0, len(stale), pool.chunk))
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
    return load_id, counts, failures


class Run:
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

    def settle(self, head: Head) -> Head:
        """The head if every file it sent is new to the warehouse, else an empty one (its results
        dropped, its files identified and sent again like the others)."""
        if all(sha256 not in self.letters and sha256 not in self.bad for sha256 in head.sent):
            return head
        head.cancel()
        return Head()

    def new_files(self, files: list[str], bar: Bar, size: int, head: Head) -> Iterator[Chunk]:
        """Chunks of files never met before, each costing about `size` units of work; the first
        files as the (settled) `head` found them, those it sent left out."""
        chunker = Chunker(size)
        for seen, path in enumerate(files):
            self.ending = len(files) - seen + len(self.batch) <= self.batch_size
            bar.update(1)
            self.batch.files_seen += 1
            found = head.found[seen] if seen < len(head.found) else read_file(path)
            if isinstance(found, Quarantined):
                self._quarantine(found)
                continue
            if isinstance(found, bytes):
                data, sha256 = found, sha256_of(found)
            else:
                data, sha256 = None, found  # read and hashed by the head, which sent the first copy
            self._saw(sha256, path)
            if sha256 in self.letters:
                self.batch.duplicates += 1
            elif sha256 in self.bad:
                self.batch.known_bad += 1
            else:
                self.letters.add(sha256)  # claimed: later copies in this run are duplicates
                if data is not None and (chunk := chunker.add(path, sha256, data)):  # None: the head sent it
                    yield chunk
            if self._full():
                self.flush()
        self.ending = True
        if chunk := chunker.rest():
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

"""The parent's side of an ingest run: identify each file, hand the new ones to the workers,
collect their rows and write them in batches. Imported by `ingest.load.pipeline` once the workers are
spawned: its imports (DuckDB, pyarrow, the parser) then overlap theirs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ingest.extract.files import MAX_FILE_SIZE, read_file, sha256_of
from ingest.load.head import Head
from ingest.load.pipeline import Inputs
from ingest.load.pool import Chunk, Chunker, NewFile, WorkerPool
from ingest.load.progress import Bar, progress
from ingest.load.rows import letter_tables, to_ipc
from ingest.load.store import Batch, RawStore, memory_limit
from ingest.load.workers import ChunkResult, process_files, reparse_texts
from ingest.outcomes import Quarantined, one_line
from ingest.parse import PARSER_VERSION
from ingest.process import internal_error
from ingest.record import LetterRecord

# A run's last batch is smaller than a row group: written whole after the last result, it would
# keep one core busy after the workers are done. Once the files left
# cannot fill another batch, results are written in pieces of this many letters whenever the
# writer is free, beside the workers.
TAIL_PIECE = 512
# A batch also ends before its Arrow rows pass this many bytes: the parent holds a batch while it
# waits to be written, and DuckDB holds its rows in memory until it commits. Real letters fill a
# batch of BATCH_SIZE with about 90 MB; a chunk that is bigger alone is a batch of its own.
BATCH_BYTES = 128 * 1024 * 1024


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
    inputs: Inputs, home: Path, pool: WorkerPool, batch_size: int, quiet: bool, head: Head | None = None, max_size: int = MAX_FILE_SIZE
) -> tuple[str, RunCounts]:
    """Load the `inputs` into the raw database of `home` with the workers of `pool`: (load id,
    counts). `head`: the first files, sent already (see ingest.load.head); files over `max_size`
    bytes are quarantined unread. A run that cannot go on raises IngestFailed, recorded as failed."""
    with RawStore(home, memory_limit(max_size)) as store:
        run = Run(store, batch_size, max_size)
        head = run.settle(head or Head())
        with store.run(PARSER_VERSION) as run.load_id, progress(len(inputs), "file", "ingest", quiet) as bar:
            try:
                chunks = run.new_files(inputs, bar, pool.chunk, head)
                for result in pool.map(process_files, chunks, failed=_failed_file, started=head.results):
                    run.add(result)
                pool.release()  # the workers exit while the last rows are written
            finally:
                run.flush(wait=True)
    return run.load_id, run.counts


def reparse_stale(home: Path, workers: int | None, batch_size: int, quiet: bool) -> tuple[str, RunCounts, list[str]]:
    """Re-parse the stored text of letters loaded by another parser version: (load id, counts,
    the letters the new parser cannot read, with why). Those keep their old record in raw and are
    set aside (RawStore.set_aside_refused): an old record the current parser refuses is not served."""
    with RawStore(home) as store:
        with store.step("cannot read the stored letters"):
            stale = store.stale_letters(PARSER_VERSION)
        counts = RunCounts()
        refused: list[tuple[str, str]] = []
        with (
            store.run(PARSER_VERSION) as load_id,
            WorkerPool(workers, len(stale), len(stale)) as pool,
            progress(len(stale), "letter", "reparse", quiet) as bar,
        ):
            pending: list[LetterRecord] = []
            chunks = (stale[i : i + pool.chunk] for i in range(0, len(stale), pool.chunk))
            for results in pool.map(reparse_texts, chunks, failed=_failed_text):
                for result in results:
                    if isinstance(result, dict):
                        pending.append(result)
                    else:
                        refused.append(result)
                bar.update(len(results))
                if len(pending) >= batch_size:
                    store.replace_records(load_id, pending, PARSER_VERSION)
                    counts.reparsed += len(pending)
                    pending = []
            store.replace_records(load_id, pending, PARSER_VERSION)
            counts.reparsed += len(pending)
            store.set_aside_refused(refused)
    return load_id, counts, [f"{sha256}: {why}" for sha256, why in refused]


def _failed_file(file: NewFile, error: BaseException) -> ChunkResult:
    """The result of a new file that failed alone in its worker: it raised, or killed the worker."""
    path, sha256, data = file
    size = None if data is None else len(data)
    if isinstance(error, BrokenProcessPool):
        bad = Quarantined(
            path, sha256, size, "crashed_worker", "the worker process died on this file (a crash in extraction, or out of memory)"
        )
    else:
        bad = internal_error(path, sha256, size, error)
    return ChunkResult(to_ipc(letter_tables([])), [bad])


def _failed_text(row: tuple[str, str, str], error: BaseException) -> list[LetterRecord | tuple[str, str]]:
    """A stored text that failed alone in its worker: kept with its old record, reported."""
    kind = "crashed_worker" if isinstance(error, BrokenProcessPool) else "internal_error"
    return [(row[0], f"{one_line(error)} [{kind}]")]


class Run:
    """The parent's side of an ingest run: identify files, collect results, write batches.

    Batches are written by one background thread (DuckDB releases the GIL while it inserts), so
    the workers keep getting files while a batch goes in; at most one batch waits to be written.
    """

    def __init__(self, store: RawStore, batch_size: int, max_size: int) -> None:
        """What the warehouse holds is read first, before the run's record is written: a damaged
        file is found before anything is written to it."""
        self.store, self.batch_size, self.max_size = store, batch_size, max_size
        self.load_id = ""  # once the run is recorded (RawStore.run)
        with store.step("cannot read what it holds"):
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

    def new_files(self, inputs: Inputs, bar: Bar, size: int, head: Head) -> Iterator[Chunk]:
        """Chunks of files never met before, each costing about `size` units of work; the first
        files as the (settled) `head` found them, those it sent left out. The paths refused
        unopened are quarantined first."""
        for refused in inputs.refused:
            bar.update(1)
            self.batch.files_seen += 1
            self._quarantine(refused)
        chunker = Chunker(size)
        files = inputs.files
        for seen, path in enumerate(files):
            self.ending = len(files) - seen + len(self.batch) <= self.batch_size
            bar.update(1)
            self.batch.files_seen += 1
            found = head.found[seen] if seen < len(head.found) else read_file(path, self.max_size)
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
        if self.batch.rows_bytes and self.batch.rows_bytes + len(result.rows) > BATCH_BYTES:
            self.flush()
        tables = result.tables()
        self.batch.letters.append(tables)
        self.batch.loaded += tables.letters.num_rows
        self.batch.rows_bytes += len(result.rows)
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

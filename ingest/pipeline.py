"""An ingest run: find the files, process them in worker processes, load them in batches.

Every input file ends up loaded, recognised as a duplicate (its bytes are already in the
warehouse, under any name), or quarantined with its reason. Memory stays bounded: at most a
few chunks are in flight and one batch is held before it is written.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tqdm import tqdm

from ingest import PARSER_VERSION
from ingest.extract import SUFFIXES
from ingest.loader import Batch, RawStore, RunCounts
from ingest.workers import ChunkResult, init_worker, process_files, reparse_texts

CHUNK = 64  # files a worker takes at a time
IN_PROCESS_BELOW = 64  # fewer files than this: spawning workers costs more than it saves

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


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest: named files as given, folders searched recursively for .pdf and .txt."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES):
                        yield Path(root, name)
        else:
            yield path


def ingest(paths: Iterable[Path], home: Path, workers: int | None = None, batch_size: int = 2000,
           progress: bool | None = None) -> RunSummary:
    """Load every file under `paths` into the raw database of `home`."""
    files = [str(path.absolute()) for path in discover(paths)]
    started = time.perf_counter()
    with RawStore(home) as store:
        known_letters, known_bad, known_sources = store.known_letters(), store.known_bad(), store.known_sources()
        load_id = store.start_run(PARSER_VERSION)
        counts = RunCounts()
        status = "failed"
        try:
            batch = Batch()
            seen_this_run: set[str] = set()
            bar = tqdm(total=len(files), unit="file", disable=_quiet(progress), desc="ingest")
            chunks = [files[i:i + CHUNK] for i in range(len(files))[::CHUNK]]
            for result in _map(process_files, chunks, workers, len(files), (frozenset(known_letters), frozenset(known_bad))):
                seen = _sort(result, batch, known_bad, known_sources, seen_this_run)
                bar.update(seen)
                if len(batch) >= batch_size:
                    _flush(store, load_id, batch, counts)
                    batch = Batch()
            _flush(store, load_id, batch, counts)
            bar.close()
            status = "succeeded"
        finally:
            store.finish_run(load_id, status)
    return RunSummary(load_id, counts, time.perf_counter() - started, status)


def reparse(home: Path, workers: int | None = None, batch_size: int = 2000, progress: bool | None = None) -> RunSummary:
    """Re-parse the stored text of letters loaded by another parser version (no files needed)."""
    started = time.perf_counter()
    with RawStore(home) as store:
        stale = store.stale_letters(PARSER_VERSION)
        load_id = store.start_run(PARSER_VERSION)
        counts = RunCounts()
        failures: list[str] = []
        status = "failed"
        try:
            bar = tqdm(total=len(stale), unit="letter", disable=_quiet(progress), desc="reparse")
            chunks = [stale[i:i + CHUNK] for i in range(len(stale))[::CHUNK]]
            pending: list[dict[str, Any]] = []
            for results in _map(reparse_texts, chunks, workers, len(stale), (frozenset(), frozenset())):
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
            bar.close()
            status = "succeeded"
        finally:
            store.finish_run(load_id, status)
    return RunSummary(load_id, counts, time.perf_counter() - started, status, failures)


def _sort(result: ChunkResult, batch: Batch, known_bad: set[str], known_sources: set[tuple[str, str]],
          seen_this_run: set[str]) -> int:
    """File one chunk's outcomes into the batch: new letters, duplicates, new or known quarantine."""
    # Workers drop repeats within their chunk; bytes parsed in an earlier chunk are dropped here.
    repeated = {sha for _, sha in result.parsed if sha in seen_this_run}
    tables = result.tables.without(repeated) if repeated else result.tables
    seen_this_run.update(sha for _, sha in result.parsed)
    sightings = result.parsed + result.duplicates + result.known_bad
    batch.letters.append(tables)
    batch.loaded += tables.letters.num_rows
    batch.duplicates += len(result.duplicates) + len(repeated)
    batch.known_bad += len(result.known_bad)
    for outcome in result.quarantined:
        key = outcome.sha256 or f"path:{outcome.path}"
        if key in known_bad:
            batch.known_bad += 1
        else:
            known_bad.add(key)
            batch.quarantined.append(outcome)
        if outcome.sha256:
            sightings.append((outcome.path, outcome.sha256))
    for path, sha in sightings:
        if (sha, path) not in known_sources:
            known_sources.add((sha, path))
            batch.sources.append((sha, path))
    seen = len(result.parsed) + len(result.duplicates) + len(result.quarantined) + len(result.known_bad)
    batch.files_seen += seen
    return seen


def _flush(store: RawStore, load_id: str, batch: Batch, counts: RunCounts) -> None:
    store.write_batch(load_id, batch, PARSER_VERSION)
    counts.files_seen += batch.files_seen
    counts.loaded += batch.loaded
    counts.duplicates += batch.duplicates
    counts.quarantined += len(batch.quarantined)
    counts.known_bad += batch.known_bad
    counts.kinds.update(q.kind for q in batch.quarantined)


def _map(function: Callable[[T], R], chunks: list[T], workers: int | None, size: int,
         known: tuple[frozenset[str], frozenset[str]]) -> Iterator[R]:
    """`function` over `chunks` in order, in worker processes when the input is big enough."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or size < IN_PROCESS_BELOW:
        init_worker(*known, die_with_parent=False)
        yield from map(function, chunks)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=known) as pool:
        in_flight: list[Future[R]] = []
        for chunk in chunks:
            in_flight.append(pool.submit(function, chunk))
            if len(in_flight) >= 3 * workers:  # bounded look-ahead keeps memory flat
                yield in_flight.pop(0).result()
        for future in in_flight:
            yield future.result()


def _quiet(progress: bool | None) -> bool:
    return not (progress if progress is not None else sys.stderr.isatty())

"""The worker processes of an ingest run, and how work is cut into chunks for them.

Light on purpose: importing this costs no more than multiprocessing, so a run spawns its workers
before the parent imports DuckDB, pyarrow and the parser, and both sides import at once. Each
worker imports its side (`ingest.load.workers`, which says why they are spawned) when it starts.

A worker asks the kernel to kill it when its parent dies, first thing, and exits at once if the
parent died before it could ask: no worker outlives a run, even one killed as it started.
"""

from __future__ import annotations

import ctypes
import importlib.abc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

# What a worker takes at a time, in units of work where a .txt letter costs 1 and a PDF costs
# PDF_COST (extracting its text takes several times longer than parsing it). Big chunks cost less to
# hand out; small ones share the end of a run evenly: a run's last chunks keep one worker busy
# while the other waits. Every worker gets about eight chunks of a small run.
MAX_CHUNK = 256
MIN_CHUNK = 8
PDF_COST = 8
IN_PROCESS_BELOW = 64  # fewer files than this: spawning workers costs more than it saves
# Files whose bytes travel to the worker with the task; bigger ones (PDFs) the worker re-reads.
SHIP_BYTES_BELOW = 64 * 1024

# A chunk of new files as the workers take it: (path, SHA-256, the bytes or None to read them there).
Chunk = list[tuple[str, str, bytes | None]]

T = TypeVar("T")
R = TypeVar("R")


class WorkerPool:
    """Worker processes (spawned) when the input is big enough, else this process."""

    def __init__(self, workers: int | None, files: int, cost: int) -> None:
        count = max(1, workers if workers is not None else (os.cpu_count() or 1))  # --workers 0: this process
        self.executor: ProcessPoolExecutor | None = None
        self.workers = count
        if count > 1 and files >= IN_PROCESS_BELOW:
            self.executor = ProcessPoolExecutor(
                count, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(os.getpid(),)
            )
            for _ in range(count):  # start them now, so their imports overlap the parent's
                self.executor.submit(int)
        self.window = 4 * count
        self.chunk = max(MIN_CHUNK, min(MAX_CHUNK, cost // (8 * count)))

    @property
    def parallel(self) -> bool:
        """Whether work goes to worker processes (else it runs in this one)."""
        return self.executor is not None

    def submit(self, function: Callable[[T], R], chunk: T) -> Future[R]:
        """One chunk to the workers (only when `parallel`)."""
        if self.executor is None:
            raise RuntimeError("no worker processes to submit to")
        return self.executor.submit(function, chunk)

    def map(self, function: Callable[[T], R], chunks: Iterable[T], started: Iterable[Future[R]] = ()) -> Iterator[R]:
        """`function` over `chunks`, results in order, with a bounded number of chunks in flight.
        The results of chunks `started` before (see ingest.load.head) come first: `chunks` is always
        drawn from once before any result is given."""
        if self.executor is None:
            yield from map(function, chunks)
            return
        in_flight: list[Future[R]] = list(started)
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

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)


class Chunker:
    """New files gathered into chunks of about `size` units of work, each file with its bytes when
    they are small enough to travel (SHIP_BYTES_BELOW)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.chunk: Chunk = []
        self.cost = 0

    def add(self, path: str, sha256: str, data: bytes) -> Chunk | None:
        """Take a file; the chunk, once it is full."""
        self.chunk.append((path, sha256, data if len(data) < SHIP_BYTES_BELOW else None))
        self.cost += work_units(path)
        return self.rest() if self.cost >= self.size else None

    def rest(self) -> Chunk | None:
        """The files taken since the last chunk, if any."""
        chunk, self.chunk, self.cost = self.chunk, [], 0
        return chunk or None


def work_units(path: str) -> int:
    """A file's units of work (see MAX_CHUNK)."""
    return PDF_COST if path.lower().endswith(".pdf") else 1


class _Refused(importlib.abc.MetaPathFinder):
    """Makes `import numpy` and `import pandas` fail in a worker, which uses neither: pyarrow
    imports numpy when it is installed, and pandas only to ask whether a Python list is a pandas
    object, which made pandas' import a large share of a small run's CPU (BENCHMARKS.md).
    Without them pyarrow takes lists as lists."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.partition(".")[0] in ("numpy", "pandas"):
            raise ImportError(f"ingest workers do not use {fullname}")


def _start_worker(parent: int) -> None:
    """Runs first in every worker: bound to die with its `parent` (the run's process), numpy and
    pandas refused before pyarrow is imported, then the worker side's imports, there and not in
    the parent."""
    _die_with(parent)
    sys.meta_path.insert(0, _Refused())
    from ingest.load.workers import init_worker

    init_worker()


def _die_with(parent: int) -> None:
    """Ask the kernel for SIGKILL when the parent dies (Linux), then check it has not died already:
    a parent killed while this worker started has left it to another process, with no one to
    send it work or to wait for it."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)

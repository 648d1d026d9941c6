"""The worker processes of an ingest run, and how work is cut into chunks for them.

Light on purpose: importing this costs no more than multiprocessing, so a run spawns its workers
before the parent imports DuckDB, pyarrow and the parser, and both sides import at once. Each
worker imports its side (`ingest.load.workers`, which says why they are spawned) when it starts.

A worker asks the kernel to kill it when its parent dies, first thing, and exits at once if the
parent died before it could ask: no worker outlives a run, even one killed as it started. A
chunk that kills its worker (pdfium can crash on a damaged PDF) or raises loses no other file:
its files are tried again one at a time, each in a process of its own, and only the file that
fails is reported (`failed`), while the other chunks go on in a new pool.
"""

from __future__ import annotations

import ctypes
import importlib.abc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
# A chunk also ends once its files hold this many bytes: a worker holds a chunk's texts and rows
# at once, and the loader writes a chunk's rows in one transaction (ingest.load.run).
CHUNK_BYTES = 16 * 1024 * 1024

# A new file as the workers take it: (path, SHA-256, the bytes or None to read them there).
NewFile = tuple[str, str, bytes | None]
Chunk = list[NewFile]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741
R = TypeVar("R")


class WorkerPool:
    """Worker processes (spawned) when the input is big enough, else this process."""

    def __init__(self, workers: int | None, files: int, cost: int) -> None:
        count = max(1, workers if workers is not None else (os.cpu_count() or 1))  # --workers 0: this process
        self.workers = count
        self.executor = _spawn(count) if count > 1 and files >= IN_PROCESS_BELOW else None
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

    def map(
        self,
        function: Callable[[list[I]], R],
        chunks: Iterable[list[I]],
        failed: Callable[[I, BaseException], R],
        started: Iterable[tuple[list[I], Future[R]]] = (),
    ) -> Iterator[R]:
        """`function` over `chunks`, results in order, with a bounded number of chunks in flight.
        A chunk that raises, or kills its worker, gives instead its items' results one by one
        (see `_one_by_one`), with `failed(item, error)` for the ones that fail alone.
        The results of chunks `started` before (see ingest.load.head) come first: `chunks` is always
        drawn from once before any result is given."""
        if self.executor is None:
            for chunk in chunks:
                try:
                    result = function(chunk)
                except Exception:
                    yield from _one_by_one(function, chunk, failed, None)
                else:
                    yield result
            return
        in_flight = deque((chunk, future, self.executor) for chunk, future in started)
        for chunk in chunks:
            in_flight.append((chunk, self.submit(function, chunk), self.executor))
            if len(in_flight) >= self.window:
                yield from self._result(function, *in_flight.popleft(), failed)
        while in_flight:
            yield from self._result(function, *in_flight.popleft(), failed)

    def _result(
        self,
        function: Callable[[list[I]], R],
        chunk: list[I],
        future: Future[R],
        executor: ProcessPoolExecutor,
        failed: Callable[[I, BaseException], R],
    ) -> Iterator[R]:
        try:
            result = future.result()
        except BrokenProcessPool:  # a worker died: every chunk in flight is lost with it
            if executor is self.executor:  # the pool's first loss: new workers for the chunks to come
                executor.shutdown(wait=False)
                self.executor = _spawn(self.workers)
            yield from _one_by_one(function, chunk, failed, 1)
        except Exception:
            yield from _one_by_one(function, chunk, failed, 1)
        else:
            yield result

    def release(self) -> None:
        """Let the workers go once their last results are in, without waiting for them to exit."""
        if self.executor is not None:
            self.executor.shutdown(wait=False)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)


def _spawn(count: int) -> ProcessPoolExecutor:
    executor = ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(os.getpid(),)
    )
    for _ in range(count):  # start them now, so their imports overlap the parent's
        executor.submit(int)
    return executor


def _one_by_one(
    function: Callable[[list[I]], R], chunk: list[I], failed: Callable[[I, BaseException], R], workers: int | None
) -> Iterator[R]:
    """The results of a chunk that failed, item by item, each in a worker process of its own
    (`workers` 1; None: in this process), so the item that raises or kills its worker is known
    and the others are not lost. Slow, and only for the chunks that failed."""
    executor = None
    try:
        for item in chunk:
            if workers is None:
                try:
                    yield function([item])
                except Exception as error:
                    yield failed(item, error)
                continue
            executor = executor or _spawn(workers)
            try:
                yield executor.submit(function, [item]).result()
            except BrokenProcessPool as error:
                executor.shutdown(wait=False)
                executor = None
                yield failed(item, error)
            except Exception as error:
                yield failed(item, error)
    finally:
        if executor is not None:
            executor.shutdown(wait=False)


class Chunker:
    """New files gathered into chunks of about `size` units of work, each file with its bytes when
    they are small enough to travel (SHIP_BYTES_BELOW)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.chunk: Chunk = []
        self.cost = 0
        self.bytes = 0

    def add(self, path: str, sha256: str, data: bytes) -> Chunk | None:
        """Take a file; the chunk, once it is full (of work, or of CHUNK_BYTES)."""
        self.chunk.append((path, sha256, data if len(data) < SHIP_BYTES_BELOW else None))
        self.cost += work_units(path)
        self.bytes += len(data)
        return self.rest() if self.cost >= self.size or self.bytes >= CHUNK_BYTES else None

    def rest(self) -> Chunk | None:
        """The files taken since the last chunk, if any."""
        chunk, self.chunk, self.cost, self.bytes = self.chunk, [], 0, 0
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

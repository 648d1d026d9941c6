"""A run's first files, sent to the workers before the parent can tell whether they are new.

To know which files are new, the parent needs DuckDB, pyarrow and the stored hashes, and the
workers are ready before it has them, waiting for their first files. So, before those
imports, the parent reads and hashes the first HEAD_CHUNKS chunks for every worker and sends them,
betting that these files are new. The bet is settled once the stored hashes are read: if any file
sent is already stored or quarantined, the head's results are dropped and its files go through
the run like any other (`ingest.load.run`), so a lost bet costs only the work already done on them.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.extract.files import read_file, sha256_of
from ingest.load.pool import Chunk, Chunker, WorkerPool
from ingest.outcomes import Quarantined

if TYPE_CHECKING:
    from ingest.load.workers import ChunkResult

# What the head found of each of the run's first files, in order: why it cannot be read, or its
# SHA-256 (a later copy of bytes it sent is not sent again).
Found = Quarantined | str
# Chunks sent ahead for each worker: enough to keep it busy (its caches are cold and the parent
# imports beside it) until the parent is ready.
HEAD_CHUNKS = 2


@dataclass
class Head:
    """The first files of a run: what was found of each, the SHA-256s sent, and their chunks with
    their results."""

    found: list[Found] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)
    results: list[tuple[Chunk, Future[ChunkResult]]] = field(default_factory=list)

    def cancel(self) -> None:
        """The bet is lost: drop the results (chunks no worker has taken yet are not processed)."""
        for _, result in self.results:
            result.cancel()

    def send(self, pool: WorkerPool, chunk: Chunk) -> None:
        self.results.append((chunk, pool.submit(process_files, chunk)))


def send_head(pool: WorkerPool, files: list[str], max_size: int) -> Head:
    """Read (refused over `max_size` bytes), hash and send HEAD_CHUNKS chunks for each worker from
    the start of `files` (each content once)."""
    head = Head()
    if not pool.parallel:
        return head  # one process: nothing to start early
    chunker = Chunker(pool.chunk)
    for path in files:
        if len(head.results) == HEAD_CHUNKS * pool.workers:
            break
        data = read_file(path, max_size)
        if isinstance(data, Quarantined):
            head.found.append(data)
            continue
        sha256 = sha256_of(data)
        head.found.append(sha256)
        if sha256 not in head.sent:
            head.sent.add(sha256)
            if chunk := chunker.add(path, sha256, data):
                head.send(pool, chunk)
    if chunk := chunker.rest():
        head.send(pool, chunk)
    return head


def process_files(chunk: Chunk) -> ChunkResult:
    """`ingest.load.workers.process_files`, sent by a parent that has not imported it (nor what it imports)."""
    from ingest.load.workers import process_files as process

    return process(chunk)

"""What runs in the worker processes: new files to Arrow rows, stored texts to new records.

Workers are spawned, not forked (a forked child would inherit the parent's DuckDB handle and
locks), and die with their parent (ingest.load.pool), so a run killed with SIGKILL leaves no
orphans behind. They get only files the run has not met before: identifying files by hash
happens in the parent, before any work is sent out.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from dataclasses import dataclass

from ingest.load.rows import LetterTables, from_ipc, letter_tables, to_ipc
from ingest.outcomes import Loaded, Quarantined
from ingest.parse import ParseError, parse_letter
from ingest.process import process_file
from ingest.record import LetterRecord

# glibc's mallopt() parameters, and what a worker sets them to (see init_worker).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
HEAP_KEPT = 256 << 20
MMAP_ABOVE = 32 << 20


@dataclass
class ChunkResult:
    """A chunk of new files processed: the parsed ones as Arrow rows (IPC streams, see to_ipc),
    the bad ones with reasons."""

    rows: bytes
    quarantined: list[Quarantined]

    def tables(self) -> LetterTables:
        return from_ipc(self.rows)


def init_worker() -> None:
    """Pool initializer (after ingest.load.pool's): keep freed memory, and pay the imports before
    work arrives."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        # pdfium frees most of what a PDF needed when it closes the PDF, and glibc gave the top of
        # the heap back to the kernel, to fault every page of it in and zero it again for the next
        # PDF. A worker keeps up to HEAP_KEPT of freed heap instead, and takes blocks below
        # MMAP_ABOVE from the heap, not from mmap() (setting one limit stops glibc adjusting the
        # other, so both are set). Measured in BENCHMARKS.md.
        libc.mallopt(_M_TRIM_THRESHOLD, HEAP_KEPT)
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_ABOVE)
    letter_tables([])  # pyarrow's first table loads its lazy parts: do it while the parent scans
    # Parsing makes no reference cycles, but its many short-lived dicts and lists set off the cycle
    # collector, whose full passes walked every object the imports made. Those are kept out of its
    # passes, and the youngest generation is collected less often.
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def process_files(files: list[tuple[str, str, bytes | None]]) -> ChunkResult:
    """Extract and parse new files, given as (path, sha256, bytes or None to read them here: the
    parent has read them already, within the run's size limit)."""
    loaded: list[Loaded] = []
    quarantined: list[Quarantined] = []
    for path, sha256, data in files:
        outcome = process_file(path, sha256, data, max_size=None)
        if isinstance(outcome, Loaded):
            loaded.append(outcome)
        else:
            quarantined.append(outcome)
    return ChunkResult(to_ipc(letter_tables(loaded)), quarantined)


def reparse_texts(rows: list[tuple[str, str, str]]) -> list[LetterRecord | tuple[str, str]]:
    """New records for (sha256, source_file, full_text) rows; (sha256, reason) where parsing now fails."""
    results: list[LetterRecord | tuple[str, str]] = []
    for sha256, source_file, text in rows:
        try:
            results.append(parse_letter(text, source_file=source_file, sha256=sha256))
        except ParseError as error:
            results.append((sha256, f"{error} [{error.kind}]"))
    return results

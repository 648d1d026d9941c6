"""A file's bytes and its identity (SHA-256), with nothing heavy imported: the parent of an
ingest run reads and hashes its first files before it imports DuckDB, pyarrow or pdfium (see
ingest.load.head)."""

from __future__ import annotations

import hashlib
import os

from ingest.outcomes import Quarantined


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: str) -> bytes | Quarantined:
    """The file's bytes, or why they cannot be had.

    Four system calls (open, stat, one read, close) where open() makes nine: in an ingest run's
    parent, whose other threads hold the GIL, every call that releases it waits to get it back.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            size = os.fstat(descriptor).st_size
            data = os.read(descriptor, size + 1)  # a byte more than the size: shows the file ended
            if len(data) != size:  # it changed while read, or is bigger than one read returns
                data += _rest(descriptor)
            return data
        finally:
            os.close(descriptor)
    except OSError as error:
        return Quarantined(path, None, None, "unreadable", f"cannot read file: {error.strerror or error}")


def _rest(descriptor: int) -> bytes:
    parts = []
    while part := os.read(descriptor, 1 << 20):
        parts.append(part)
    return b"".join(parts)

"""A file's bytes and its identity (SHA-256), with nothing heavy imported: the parent of an
ingest run reads and hashes its first files before it imports DuckDB, pyarrow or pdfium (see
ingest.load.head).

Only regular files are read, and only up to a size limit: opening a FIFO waits for a writer, a
device can be endless, and a file of hundreds of megabytes is no letter and takes many times its
size in memory to parse. Those are refused with a reason, never read.
"""

from __future__ import annotations

import hashlib
import os
import stat

from ingest.outcomes import Quarantined

# The default largest input file, in bytes (`--max-file-size`, IMR_MAX_FILE_SIZE): real letters
# are about 30 KB, the largest 100 KB; parsing a text file takes about 20 times its size in memory
# in a worker, so the default keeps two workers well under 1 GB on the worst input.
MAX_FILE_SIZE = 20 * 1024 * 1024

_FILE_TYPES = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def not_regular(path: str, mode: int) -> Quarantined:
    """The refusal of a path that is not a regular file (`mode` from its stat, links followed)."""
    kind = _FILE_TYPES.get(stat.S_IFMT(mode), "not a regular file")
    return Quarantined(path, None, None, "not_a_regular_file", f"not a regular file: {kind}; only regular files are read")


def refusal(path: str) -> Quarantined | None:
    """Why `path` must not be opened (not a regular file), else None; a stat() without opening it.
    A path that cannot even be stat()ed is left to read_file, which says why."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else not_regular(path, mode)


def too_large(path: str, size: int, max_size: int) -> Quarantined:
    """A file refused unread for its size."""
    return Quarantined(path, None, size, "too_large", f"file is {size:,} bytes, over the limit of {max_size:,} bytes (--max-file-size)")


def read_file(path: str, max_size: int | None = MAX_FILE_SIZE) -> bytes | Quarantined:
    """The file's bytes, or why they cannot be had: unreadable, not a regular file, or bigger
    than `max_size` (None: no limit), judged from fstat() before a byte is read.

    Callers refuse what is not a regular file before opening it (`refusal`, or the folder scan in
    ingest.load.pipeline); the fstat() here catches a file swapped since, and O_NONBLOCK keeps
    such an open from waiting. Four system calls (open, fstat, one read, close) where open() makes
    nine: in an ingest run's parent, whose other threads hold the GIL, every call that releases it
    waits to get it back.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return not_regular(path, status.st_mode)
            size = status.st_size
            if max_size is not None and size > max_size:
                return too_large(path, size, max_size)
            data = os.read(descriptor, size + 1)  # a byte more than the size: shows the file ended
            if len(data) != size:  # it changed while read, or is bigger than one read returns
                data += _rest(descriptor, None if max_size is None else max_size + 1 - len(data))
            if max_size is not None and len(data) > max_size:  # it grew while read
                return Quarantined(path, None, None, "too_large", f"file grew past the limit of {max_size:,} bytes while read")
            return data
        finally:
            os.close(descriptor)
    except OSError as error:
        return Quarantined(path, None, None, "unreadable", f"cannot read file: {error.strerror or error}")


def _rest(descriptor: int, most: int | None) -> bytes:
    """What is left to read, up to `most` bytes (None: all)."""
    parts, left = [], most
    while (left is None or left > 0) and (part := os.read(descriptor, 1 << 20 if left is None else min(left, 1 << 20))):
        parts.append(part)
        left = None if left is None else left - len(part)
    return b"".join(parts)

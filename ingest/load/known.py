"""What the warehouse already holds, 16 bytes a key.

An ingest run checks every file against the letters and the (letter, path) sightings already
stored. As Python sets of hash and path strings they would take most of a run's memory at the
state's scale; sorted arrays of 128-bit digest prefixes take a small fraction of it. Two
different files share a prefix with odds of n / 2^128: as good as the full hash.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np
import pyarrow as pa

K = TypeVar("K")

# The same keys computed by DuckDB over the stored rows (the loader selects these).
LETTER_KEY_SQL = "unhex(sha256[1:32])"
SIGHTING_KEY_SQL = "unhex(sha256(sha256 || source_path)[1:32])"


def letter_key(sha256: str) -> bytes:
    """The first 16 bytes of a file's SHA-256, from its hex digest."""
    return bytes.fromhex(sha256[:32])


def sighting_key(sighting: tuple[str, str]) -> bytes:
    """16 bytes of the SHA-256 of (file hash, path); the hex hash has a fixed length, so the two
    need no separator."""
    sha256, path = sighting
    return hashlib.sha256((sha256 + path).encode()).digest()[:16]


class KnownKeys(Generic[K]):
    """Membership of values by their 16-byte key: the stored ones as two sorted columns of
    unsigned 64-bit integers (the key's high and low halves), the ones added during this run in
    a set. Sorted by numpy once, then searched with `bisect` in Python ints: unsigned and exact,
    where numpy scalars would mix int64 and uint64."""

    def __init__(self, stored: pa.Array, key: Callable[[K], bytes]) -> None:
        """`stored`: a binary Arrow array of 16-byte keys, in any order."""
        pairs = _halves(stored)
        order = np.lexsort((pairs[:, 1], pairs[:, 0]))
        self._high, self._low = array("Q", pairs[order, 0].tobytes()), array("Q", pairs[order, 1].tobytes())
        self._key = key
        self._added: set[bytes] = set()

    def __contains__(self, value: K) -> bool:
        key = self._key(value)
        return key in self._added or self._stored(key)

    def _stored(self, key: bytes) -> bool:
        high, low = int.from_bytes(key[:8], "big"), int.from_bytes(key[8:], "big")
        index = bisect_left(self._high, high)
        while index < len(self._high) and self._high[index] == high:
            if self._low[index] == low:
                return True
            index += 1
        return False

    def add(self, value: K) -> None:
        self._added.add(self._key(value))

    def claim(self, value: K) -> bool:
        """Add `value`; whether it was new (its key computed once, where `in` then add() took two)."""
        key = self._key(value)
        if key in self._added or self._stored(key):
            return False
        self._added.add(key)
        return True

    def discard(self, value: K) -> None:
        """Forget a value added during this run (stored ones stay)."""
        self._added.discard(self._key(value))

    def __len__(self) -> int:
        return len(self._high) + len(self._added)


def _halves(stored: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The keys as an (n, 2) array of native uint64: high half, low half (read from the Arrow
    buffers with numpy, not pyarrow.compute, which is slow to import). Chunk by chunk:
    ChunkedArray.combine_chunks() imports pandas into the parent as the run starts."""
    if stored.type != pa.binary():
        raise TypeError(f"stored keys must be binary, not {stored.type}")
    chunks = stored.chunks if isinstance(stored, pa.ChunkedArray) else [stored]
    return np.concatenate([np.empty((0, 2), dtype=np.uint64), *map(_chunk_halves, chunks)])


def _chunk_halves(chunk: pa.Array) -> np.ndarray:
    offsets_buffer, values = chunk.buffers()[1:3]
    if len(chunk) == 0:
        return np.empty((0, 2), dtype=np.uint64)
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
    if chunk.null_count or np.any(np.diff(offsets) != 16):
        raise ValueError("stored keys must all be 16 bytes")
    keys = np.frombuffer(values, dtype=">u8", count=2 * len(chunk), offset=int(offsets[0]))
    return keys.reshape(-1, 2).astype(np.uint64)

"""What became of one file: a parsed letter to load, or a reason to quarantine it.

Plain dataclasses, importing nothing heavy: the parent of an ingest run meets them before it
imports pyarrow (see ingest.load.head).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.record import LetterRecord


@dataclass
class Loaded:
    """A parsed letter ready to load."""

    path: str
    size: int
    text: str
    record: LetterRecord


@dataclass
class Quarantined:
    """A file that produced no record, and why."""

    path: str
    sha256: str | None
    size: int | None
    kind: str
    message: str


def one_line(error: BaseException) -> str:
    """An exception as a one-line reason: its type and the first line of its message (DuckDB's
    and others' run on with hints over several lines)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__

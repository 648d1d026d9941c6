"""What runs in the worker processes: files to outcomes, stored texts to new records.

Workers are spawned, not forked (a forked child would inherit the parent's DuckDB handle and
locks), and ask the kernel to kill them when their parent dies, so a run killed with SIGKILL
leaves no orphans behind.
"""

from __future__ import annotations

import ctypes
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.extract import ExtractError, sha256_of, text_of
from ingest.parser import ParseError, parse_letter
from ingest.rows import LetterTables, Loaded, Quarantined, letter_tables

Known = tuple[str, str, bool]  # (path, sha256, already quarantined?) of bytes met before
Outcome = Loaded | Quarantined | Known


@dataclass
class ChunkResult:
    """A chunk of files processed: which were parsed (as Arrow tables), known, or bad."""

    parsed: list[tuple[str, str]]  # (path, sha256), in the order of the tables' rows
    tables: LetterTables
    duplicates: list[tuple[str, str]]  # (path, sha256) of bytes already loaded
    quarantined: list[Quarantined]
    known_bad: list[tuple[str, str]]  # (path, sha256) of bytes already in quarantine

_known_letters: frozenset[str] = frozenset()
_known_bad: frozenset[str] = frozenset()


def init_worker(known_letters: frozenset[str], known_bad: frozenset[str], die_with_parent: bool = True) -> None:
    """Pool initializer: remember the hashes already in the warehouse; die with the parent."""
    global _known_letters, _known_bad
    _known_letters, _known_bad = known_letters, known_bad
    if die_with_parent and sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def process_files(paths: list[str]) -> ChunkResult:
    """Process a chunk and build its rows here, in the worker, so the loader only inserts."""
    loaded: list[Loaded] = []
    parsed: dict[str, str] = {}  # sha256 -> path, first occurrence in this chunk
    duplicates: list[tuple[str, str]] = []
    quarantined: list[Quarantined] = []
    known_bad: list[tuple[str, str]] = []
    for path in paths:
        outcome = process_file(path)
        if isinstance(outcome, Quarantined):
            quarantined.append(outcome)
        elif isinstance(outcome, Loaded) and outcome.record["sha256"] not in parsed:
            parsed[outcome.record["sha256"]] = path
            loaded.append(outcome)
        elif isinstance(outcome, Loaded):
            duplicates.append((path, outcome.record["sha256"]))
        else:
            (known_bad if outcome[2] else duplicates).append((outcome[0], outcome[1]))
    return ChunkResult([(path, sha) for sha, path in parsed.items()], letter_tables(loaded), duplicates,
                       quarantined, known_bad)


def process_file(path: str) -> Outcome:
    """Read, identify, extract and parse one file; never raises for a bad file."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return Quarantined(path, None, None, "unreadable", f"cannot read file: {error.strerror or error}")
    sha256 = sha256_of(data)
    if sha256 in _known_letters or sha256 in _known_bad:
        return (path, sha256, sha256 in _known_bad)
    try:
        text = text_of(path, data)
        record = parse_letter(text, source_file=Path(path).name, sha256=sha256)
    except (ExtractError, ParseError) as error:
        return Quarantined(path, sha256, len(data), error.kind, str(error))
    return Loaded(path=path, size=len(data), text=text, record=record)


def reparse_texts(rows: list[tuple[str, str, str]]) -> list[dict[str, Any] | tuple[str, str]]:
    """New records for (sha256, source_file, full_text) rows; (sha256, reason) where parsing now fails."""
    results: list[dict[str, Any] | tuple[str, str]] = []
    for sha256, source_file, text in rows:
        try:
            results.append(parse_letter(text, source_file=source_file, sha256=sha256))
        except ParseError as error:
            results.append((sha256, f"{error} [{error.kind}]"))
    return results

"""Files to records: reading, extraction then parsing, with every failure turned into a reason.

The one place that joins the file side (extract) and the letter side (parser): the ingest
workers, `imr parse` and the tests all go from a file to its record through `process_file`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.extract.document import text_of
from ingest.extract.errors import ExtractError
from ingest.extract.files import read_file, sha256_of
from ingest.outcomes import Loaded, Quarantined
from ingest.parse import ParseError, parse_letter
from ingest.record import LetterRecord


@dataclass(frozen=True)
class Failure:
    """Why one file produced no record."""

    path: Path
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.kind}]"


def process_file(path: str, sha256: str | None = None, data: bytes | None = None) -> Loaded | Quarantined:
    """Read (unless `data` is given), identify (unless `sha256` is), extract and parse one file;
    never raises for a bad file."""
    if data is None:
        read = read_file(path)
        if isinstance(read, Quarantined):
            return Quarantined(path, sha256, None, read.kind, read.message)
        data = read
    sha256 = sha256 or sha256_of(data)
    try:
        text = text_of(path, data)
        record = parse_letter(text, source_file=Path(path).name, sha256=sha256)
    except (ExtractError, ParseError) as error:
        return Quarantined(path, sha256, len(data), error.kind, str(error))
    return Loaded(path=path, size=len(data), text=text, record=record)


def parse_file(path: Path) -> LetterRecord | Failure:
    """The record of one file, or the Failure that says why there is none."""
    outcome = process_file(str(path))
    if isinstance(outcome, Quarantined):
        return Failure(path, outcome.kind, outcome.message)
    return outcome.record

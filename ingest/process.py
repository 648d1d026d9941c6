"""Files to records: reading, extraction then parsing, with every failure turned into a reason.

The one place that joins the file side (extract) and the letter side (parser): the ingest
workers, `imr parse` and the tests all go from a file to its record through `process_file`.
Whatever goes wrong with one file stays with that file: an unexpected exception becomes its
quarantine reason (`internal_error`), so no file can fail the others of its run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.extract.document import text_of
from ingest.extract.errors import ExtractError
from ingest.extract.files import MAX_FILE_SIZE, read_file, refusal, sha256_of
from ingest.outcomes import Loaded, Quarantined, one_line
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


def process_file(
    path: str, sha256: str | None = None, data: bytes | None = None, max_size: int | None = MAX_FILE_SIZE
) -> Loaded | Quarantined:
    """Read (unless `data` is given; refused over `max_size` bytes), identify (unless `sha256` is),
    extract and parse one file; never raises for a bad file, nor for a bug it sets off."""
    if data is None:
        read = read_file(path, max_size)
        if isinstance(read, Quarantined):
            return Quarantined(path, sha256, read.size, read.kind, read.message)
        data = read
    sha256 = sha256 or sha256_of(data)
    try:
        text = text_of(path, data)
        record = parse_letter(text, source_file=Path(path).name, sha256=sha256)
    except (ExtractError, ParseError) as error:
        return Quarantined(path, sha256, len(data), error.kind, str(error))
    except Exception as error:  # a bug met on this file: its reason, not the run's end
        return internal_error(path, sha256, len(data), error)
    return Loaded(path=path, size=len(data), text=text, record=record)


def internal_error(path: str, sha256: str | None, size: int | None, error: BaseException) -> Quarantined:
    """A file that set off an unexpected exception, quarantined with the exception's first line."""
    return Quarantined(path, sha256, size, "internal_error", one_line(error))


def parse_file(path: Path) -> LetterRecord | Failure:
    """The record of one file, or the Failure that says why there is none (a path that is not a
    regular file is never opened)."""
    refused = refusal(str(path))
    outcome = refused or process_file(str(path))
    if isinstance(outcome, Quarantined):
        return Failure(path, outcome.kind, outcome.message)
    return outcome.record

"""Files to records: extraction then parsing, with every failure turned into a reason.

The one place that joins the file side (extract) and the letter side (parser), so the CLI,
the loader and the tests share the same path from a file to its record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.extract import Document, ExtractError, read_document
from ingest.parser import ParseError, parse_letter


@dataclass(frozen=True)
class Failure:
    """Why one file produced no record."""

    path: Path
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.kind}]"


def record_of(document: Document) -> dict[str, Any]:
    """The contract record of an extracted document (raises ParseError)."""
    return parse_letter(document.text, source_file=document.path.name, sha256=document.sha256)


def parse_file(path: Path) -> dict[str, Any] | Failure:
    """The record of one file, or the Failure that says why there is none."""
    try:
        return record_of(read_document(path))
    except (ExtractError, ParseError) as error:
        return Failure(path, error.kind, str(error))

"""Parsed letters as Arrow tables: the row shapes of raw.letters, raw.items and raw.citations.

Built in the worker processes that parse (so the loader only inserts), which is why this
module needs only pyarrow: workers never import DuckDB.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ingest.outcomes import Loaded

PARTIES = {"claims_administrator": "claims_administrator_citations", "reviewer": "reviewer_citations"}
DATE_FIELDS = ("decision_date", "date_assigned", "date_of_injury", "ur_denial_date", "application_received")

_LETTER_TYPES = pa.schema([
    ("sha256", pa.string()), ("source_file", pa.string()), ("source_path", pa.string()), ("file_size", pa.int64()),
    ("case_number", pa.string()), *[(name, pa.date32()) for name in DATE_FIELDS], ("priority", pa.string()),
    ("reviewer_licensure", pa.list_(pa.string())), ("reviewer_specialties", pa.list_(pa.string())),
    ("patient_age", pa.int32()), ("patient_sex", pa.string()), ("diagnoses", pa.list_(pa.string())),
    ("determination", pa.string()), ("full_text", pa.string()),
])
_ITEM_TYPES = pa.schema([
    ("sha256", pa.string()), ("ordinal", pa.int32()), ("treatment", pa.string()), ("original_request", pa.string()),
    ("decision", pa.string()), ("rationale", pa.string()),
])
_CITATION_TYPES = pa.schema([
    ("sha256", pa.string()), ("item_ordinal", pa.int32()), ("party", pa.string()), ("citation_ordinal", pa.int32()),
    ("source", pa.string()), ("family", pa.string()), ("title", pa.string()), ("year", pa.string()),
    ("sections", pa.string()), ("text", pa.string()),
])


@dataclass
class LetterTables:
    """Letters as Arrow tables (built where they were parsed), without the run's columns."""

    letters: pa.Table
    items: pa.Table
    citations: pa.Table


def to_ipc(tables: LetterTables) -> bytes:
    """The three tables as one buffer of Arrow IPC streams, as a worker sends them back: pickling
    the tables cost 14 us a letter to write and 7 to read in chunks of 32 PDFs, the streams 3.5 and 1.5."""
    sink = pa.BufferOutputStream()
    for table in (tables.letters, tables.items, tables.citations):
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes) -> LetterTables:
    """The tables of to_ipc(), read in place (no copy of `data`)."""
    source = pa.BufferReader(data)
    return LetterTables(*(pa.ipc.open_stream(source).read_all() for _ in range(3)))


def letter_tables(letters: list[Loaded]) -> LetterTables:
    """Arrow tables of parsed letters, less the run's columns (the loader adds those)."""
    return LetterTables(_letters_table(letters), _items_table(letters), _citations_table(letters))


def _letters_table(letters: list[Loaded]) -> pa.Table:
    records = [letter.record for letter in letters]
    columns: dict[str, list[Any]] = {
        "sha256": [r["sha256"] for r in records],
        "source_file": [r["source_file"] for r in records],
        "source_path": [letter.path for letter in letters],
        "file_size": [letter.size for letter in letters],
        "case_number": [r["case_number"] for r in records],
        **{name: [_date(r[name]) for r in records] for name in DATE_FIELDS},
        **{name: [r[name] for r in records] for name in (
            "priority", "reviewer_licensure", "reviewer_specialties", "patient_age", "patient_sex", "diagnoses",
            "determination")},
        "full_text": [letter.text for letter in letters],
    }
    return pa.table(columns, schema=_LETTER_TYPES)


def _items_table(letters: list[Loaded]) -> pa.Table:
    rows = [(letter.record["sha256"], item) for letter in letters for item in letter.record["items"]]
    return pa.table({
        "sha256": [sha for sha, _ in rows],
        **{name: [item[name] for _, item in rows] for name in ("ordinal", "treatment", "original_request", "decision", "rationale")},
    }, schema=_ITEM_TYPES)


def _citations_table(letters: list[Loaded]) -> pa.Table:
    rows = [
        (letter.record["sha256"], item["ordinal"], party, number, citation)
        for letter in letters
        for item in letter.record["items"]
        for party, key in PARTIES.items()
        for number, citation in enumerate(item[key], start=1)
    ]
    return pa.table({
        "sha256": [row[0] for row in rows],
        "item_ordinal": [row[1] for row in rows],
        "party": [row[2] for row in rows],
        "citation_ordinal": [row[3] for row in rows],
        **{name: [row[4][name] for row in rows] for name in ("source", "family", "title", "year", "sections", "text")},
    }, schema=_CITATION_TYPES)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None

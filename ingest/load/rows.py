"""Parsed letters as Arrow tables: the rows of raw.letters, raw.items and raw.citations, less the
run's columns, in the shapes `ingest.load.schema` derives from the letter record.

Built in the worker processes that parse (so the loader only inserts), which is why this
module needs only pyarrow: workers never import DuckDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ingest.load.schema import CITATION_FIELDS, ITEM_FIELDS, LETTER_FIELDS, ROW_COLUMNS, Column
from ingest.outcomes import Loaded
from ingest.record import CITATION_LISTS

# The Arrow type of each raw column type (the Spark ingest's types are derived from these too).
ARROW_TYPES = {
    "varchar": pa.string(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "date": pa.date32(),
    "varchar[]": pa.list_(pa.string()),
    "timestamp": pa.timestamp("us"),  # naive, as DuckDB's TIMESTAMP
}


def arrow_schema(columns: list[Column]) -> pa.Schema:
    return pa.schema([(column.name, ARROW_TYPES[column.sql]) for column in columns])


_SCHEMAS = {table: arrow_schema(columns) for table, columns in ROW_COLUMNS.items()}


@dataclass
class LetterTables:
    """Letters as Arrow tables (built where they were parsed), without the run's columns."""

    letters: pa.Table
    items: pa.Table
    citations: pa.Table


def to_ipc(tables: LetterTables) -> bytes:
    """The three tables as one buffer of Arrow IPC streams, as a worker sends them back (cheaper
    to write and read than pickled tables)."""
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
    records: list[Any] = [letter.record for letter in letters]
    columns: dict[str, list[Any]] = {
        "sha256": [r["sha256"] for r in records],
        "source_file": [r["source_file"] for r in records],
        "source_path": [letter.path for letter in letters],
        "file_size": [letter.size for letter in letters],
        **{
            field.name: [_date(r[field.name]) for r in records] if field.sql == "date" else [r[field.name] for r in records]
            for field in LETTER_FIELDS
        },
        "full_text": [letter.text for letter in letters],
    }
    return pa.table(columns, schema=_SCHEMAS["letters"])


def _items_table(letters: list[Loaded]) -> pa.Table:
    rows: list[tuple[str, Any]] = [(letter.record["sha256"] or "", item) for letter in letters for item in letter.record["items"]]
    return pa.table(
        {
            "sha256": [sha for sha, _ in rows],
            **{field.name: [item[field.name] for _, item in rows] for field in ITEM_FIELDS},
        },
        schema=_SCHEMAS["items"],
    )


def _citations_table(letters: list[Loaded]) -> pa.Table:
    rows = list(_citation_rows(letters))
    return pa.table(
        {
            "sha256": [row[0] for row in rows],
            "item_ordinal": [row[1] for row in rows],
            "party": [row[2] for row in rows],
            "citation_ordinal": [row[3] for row in rows],
            **{field.name: [row[4][field.name] for row in rows] for field in CITATION_FIELDS},
        },
        schema=_SCHEMAS["citations"],
    )


def _citation_rows(letters: list[Loaded]) -> Iterator[tuple[str, int, str, int, Any]]:
    for letter in letters:
        for item in letter.record["items"]:
            for party, key in CITATION_LISTS.items():
                for number, citation in enumerate(item[key], start=1):
                    yield letter.record["sha256"] or "", item["ordinal"], party, number, citation


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None

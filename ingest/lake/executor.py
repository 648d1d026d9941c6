"""What Spark's Python workers run: files to envelope rows (`ingest.lake.schema.ENVELOPE`), one per
file, with the DuckDB ingest's own `process_file` and Arrow rows (`ingest.load.rows`).

Spark hands a worker Arrow batches of files (`mapInArrow`) and keeps the worker for the next task
(spark.python.worker.reuse): `envelopes` is pickled by reference to this module, so each worker
process imports the parser and pdfium once, and sets itself up once (`_prepare`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from typing import Any

import pyarrow as pa

from ingest.extract.files import too_large
from ingest.lake.inputs import is_local, order_key
from ingest.lake.schema import CITATION, ENVELOPE, FILE_FIELDS, ITEM, LETTER
from ingest.load.rows import letter_tables
from ingest.load.workers import init_worker
from ingest.outcomes import Loaded, Quarantined
from ingest.parse import PARSER_VERSION
from ingest.process import process_file
from ingest.record import CITATION_LISTS

# The columns a batch of files comes in with (the driver's scan and its lost files).
FILES = "path string, length bigint, sha256 string, content binary, known string, lost boolean"


@cache
def _prepare() -> None:
    """Once per worker process: the DuckDB ingest's worker settings (memory kept for pdfium, the
    cycle collector calmed, death with the parent)."""
    init_worker()


def envelopes(batches: Iterator[pa.RecordBatch], roots: list[str], max_size: int | None) -> Iterator[pa.RecordBatch]:
    """mapInArrow: batches of FILES to batches of ENVELOPE.

    `content` is null for files the lake holds already (`known`: nothing to parse) and for lost
    files: listed but not returned by Spark's scan (empty, unreadable, gone). A local lost file is
    read here with the DuckDB ingest's reader, so it gets its reason; one elsewhere is unreadable,
    or empty by the `length` its listing gave."""
    _prepare()
    for batch in batches:
        yield _envelope(batch.to_pydict(), roots, max_size)


def _envelope(files: dict[str, list[Any]], roots: list[str], max_size: int | None) -> pa.RecordBatch:
    rows: dict[str, list[Any]] = {field.name: [] for field in FILE_FIELDS}
    loaded: list[Loaded] = []
    where: list[int | None] = []
    for path, length, sha256, content, known, lost in zip(
        *(files[name] for name in ("path", "length", "sha256", "content", "known", "lost"))
    ):
        outcome: Loaded | Quarantined | None = None
        if lost:
            outcome = process_file(path, max_size=max_size) if is_local(path) else _lost_elsewhere(path, length, max_size)
        elif known is None:
            outcome = process_file(path, sha256, content)
        row = {"path": path, "source_file": os.path.basename(path), "order_key": order_key(path, roots), "known": known}
        if isinstance(outcome, Loaded):
            row |= {"file_size": outcome.size, "sha256": outcome.record["sha256"], "outcome": "loaded", "parser_version": PARSER_VERSION}
            where.append(len(loaded))
            loaded.append(outcome)
        else:
            where.append(None)
            if isinstance(outcome, Quarantined):
                row |= {"file_size": outcome.size, "sha256": outcome.sha256, "outcome": "quarantined"}
                row |= {"error_kind": outcome.kind, "message": outcome.message}
            else:
                row |= {"file_size": length, "sha256": sha256, "outcome": "known"}
        for name, values in rows.items():
            values.append(row.get(name))
    columns = [pa.array(rows[field.name], field.type) for field in FILE_FIELDS]
    return pa.RecordBatch.from_arrays([*columns, *_nested_rows(loaded, where)], schema=ENVELOPE)


def _lost_elsewhere(path: str, length: int | None, max_size: int | None) -> Quarantined | Loaded:
    """A file Spark listed on another file system but did not return: over `max_size` (left
    unread), empty (Spark skips those), else unreadable."""
    if length is not None and max_size is not None and length > max_size:
        return too_large(path, length, max_size)
    if length == 0:
        return process_file(path, None, b"")
    reason = "gone since it was listed" if length is None else "Spark listed it but could not read it"
    return Quarantined(path, None, length, "unreadable", f"cannot read file: {reason}")


def _nested_rows(loaded: list[Loaded], where: list[int | None]) -> list[pa.Array]:
    """The letter, items and citations columns: the letters' Arrow rows (`letter_tables`), nested
    per letter, then placed at their files' rows (null where no letter was loaded)."""
    tables = letter_tables(loaded)
    letter = _struct(tables.letters, LETTER)
    items = pa.ListArray.from_arrays(_offsets([len(one.record["items"]) for one in loaded]), _struct(tables.items, ITEM))
    citations = pa.ListArray.from_arrays(
        _offsets([sum(len(item[key]) for item in one.record["items"] for key in CITATION_LISTS.values()) for one in loaded]),
        _struct(tables.citations, CITATION),
    )
    take = pa.array(where, pa.int32())
    return [letter.take(take), items.take(take), citations.take(take)]


def _struct(table: pa.Table, shape: pa.StructType) -> pa.StructArray:
    fields = [shape.field(index) for index in range(shape.num_fields)]
    return pa.StructArray.from_arrays([_array(table.column(field.name)) for field in fields], fields=fields)


def _array(column: pa.ChunkedArray) -> pa.Array:
    """One array of a column (not ChunkedArray.combine_chunks(), which imports pandas)."""
    return column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)


def _offsets(counts: list[int]) -> pa.Array:
    offsets = [0]
    for count in counts:
        offsets.append(offsets[-1] + count)
    return pa.array(offsets, pa.int32())

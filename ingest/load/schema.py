"""The raw tables: their columns, derived from the letter record (`ingest.record`) plus the
columns a load adds, and the DDL that creates them in schema `raw` of `ingest.duckdb`.

Light on purpose (no DuckDB, no pyarrow): an ingest run reads ROW_GROUP_SIZE before its heavy
imports, and the workers build their Arrow schemas from these columns (`ingest.load.rows`).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass

from ingest.record import CalendarDate, Citation, Item, LetterRecord

RAW_SCHEMA = "raw"
# Rows per row group of the raw tables. Every checkpoint rewrites a table's last, partly filled
# row group: at DuckDB's default (122,880 rows) that is every letter of a 100k-letter load again
# at each checkpoint. A setting of the connection, not of the file: every connection that writes
# opens it with ingest.load.store.open_raw.
ROW_GROUP_SIZE = 8192


@dataclass(frozen=True)
class Column:
    """One column of a raw table: its DuckDB type, and what the DDL adds (not null, a default)."""

    name: str
    sql: str
    nullable: bool = True
    extra: str = ""

    def ddl(self) -> str:
        return " ".join(part for part in (self.name, self.sql, "" if self.nullable else "not null", self.extra) if part)


def _sql_type(hint: object) -> tuple[str, bool]:
    """(DuckDB type, nullable) of a record field's type hint."""
    nullable = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [member for member in typing.get_args(hint) if member is not type(None)]
        nullable, hint = len(members) < len(typing.get_args(hint)), members[0]
    if typing.get_origin(hint) is typing.Annotated and CalendarDate in getattr(hint, "__metadata__", ()):
        return "date", nullable
    if hint is int:
        return "integer", nullable
    if hint is str or typing.get_origin(hint) is typing.Literal:
        return "varchar", nullable
    if typing.get_origin(hint) is list and typing.get_args(hint) == (str,):
        return "varchar[]", nullable
    raise TypeError(f"no raw column type for {hint!r}")


def _from_record(record: type, leave_out: tuple[str, ...] = ()) -> list[Column]:
    """The columns of a record class's fields, in their order, less `leave_out`."""
    hints = typing.get_type_hints(record, include_extras=True)
    return [Column(name, *_sql_type(hint)) for name, hint in hints.items() if name not in leave_out]


# Parsed fields, as the contract names them. Lists of nested records become tables of their own.
LETTER_FIELDS = _from_record(LetterRecord, leave_out=("source_file", "sha256", "items"))
ITEM_FIELDS = _from_record(Item, leave_out=("claims_administrator_citations", "reviewer_citations"))
CITATION_FIELDS = _from_record(Citation)
DATE_FIELDS = tuple(column.name for column in LETTER_FIELDS if column.sql == "date")

_SHA256 = Column("sha256", "varchar", nullable=False)
_LOAD_ID = Column("load_id", "varchar", nullable=False)

# The parts of each data table a worker builds (the loader adds the run's columns: RUN_COLUMNS).
ROW_COLUMNS: dict[str, list[Column]] = {
    "letters": [
        _SHA256,
        Column("source_file", "varchar", False),
        Column("source_path", "varchar", False),
        Column("file_size", "bigint", False),
        *LETTER_FIELDS,
        Column("full_text", "varchar", False),
    ],
    "items": [_SHA256, *ITEM_FIELDS],
    "citations": [
        _SHA256,
        Column("item_ordinal", "integer", False),
        Column("party", "varchar", False),
        Column("citation_ordinal", "integer", False),
        *CITATION_FIELDS,
    ],
}
RUN_COLUMNS: dict[str, list[Column]] = {
    "letters": [Column("parser_version", "varchar", False), _LOAD_ID, Column("loaded_at", "timestamp", False)],
    "items": [_LOAD_ID],
    "citations": [_LOAD_ID],
}

# Every table, in creation order. No primary keys on letters and sources: the loader identifies
# every file against the hashes and sightings it read at the start of the run, and dbt tests the
# keys' uniqueness at every build; an index would have to fit in the loader's memory limit (at
# 1.7M letters the sources' index alone filled it).
TABLES: dict[str, list[Column]] = {
    "ingest_runs": [
        Column("load_id", "varchar", extra="primary key"),
        Column("started_at", "timestamp", False),
        Column("ended_at", "timestamp"),
        Column("parser_version", "varchar", False),
        *(Column(name, "integer", False, "default 0") for name in ("files_seen", "loaded", "duplicates", "quarantined", "reparsed")),
        Column("status", "varchar", False),
        Column("message", "varchar"),  # why a failed run failed
    ],
    **{table: ROW_COLUMNS[table] + RUN_COLUMNS[table] for table in ("letters", "items", "citations")},
    "quarantine": [
        Column("source_path", "varchar", False),
        Column("source_file", "varchar", False),
        Column("sha256", "varchar"),
        Column("file_size", "bigint"),
        Column("error_kind", "varchar", False),
        Column("message", "varchar", False),
        _LOAD_ID,
        Column("quarantined_at", "timestamp", False),
    ],
    "sources": [_SHA256, Column("source_path", "varchar", False), _LOAD_ID, Column("first_seen_at", "timestamp", False)],
    # Letters that fail a row-level check (expectations.rows), one row per letter and reason,
    # written before every build by imr.orchestrate.aside: left out of the marts until released;
    # and letters whose stored text a newer parser refuses (`imr ingest --reparse`), with the
    # reason REFUSED_ON_REPARSE, until a later parser reads them or a person releases them.
    "set_aside": [
        _SHA256,
        Column("case_number", "varchar"),
        Column("reason", "varchar", False),
        Column("detail", "varchar", False),
        Column("set_aside_at", "timestamp", False),
        Column("released_at", "timestamp"),
        Column("released_by", "varchar"),
        Column("release_note", "varchar"),
    ],
}

# The set-aside reason of a letter a newer parser refuses: its old record is kept, not served.
REFUSED_ON_REPARSE = "parser_refuses"


def ddl() -> str:
    """The statements that create schema raw and every table missing from it."""
    tables = [
        f"create table if not exists {RAW_SCHEMA}.{table} (\n    " + ",\n    ".join(column.ddl() for column in columns) + "\n);"
        for table, columns in TABLES.items()
    ]
    return "\n".join([f"create schema if not exists {RAW_SCHEMA};", *tables])


# Columns added since their table was first created: a database made before gets them (migrations()).
ADDED_COLUMNS = {"ingest_runs": ("message",)}


def migrations() -> str:
    """The statements that add every column missing from a table made before the column was
    (a no-op, writing nothing, once they are there)."""
    return "\n".join(
        f"alter table {RAW_SCHEMA}.{table} add column if not exists {column.ddl()};"
        for table, names in ADDED_COLUMNS.items()
        for column in TABLES[table]
        if column.name in names
    )

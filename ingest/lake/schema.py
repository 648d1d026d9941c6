"""The Spark ingest's shapes, all derived from the raw tables' columns (`ingest.load.schema`)
through their Arrow types (`ingest.load.rows`): a new field of the letter record reaches the lake
with no change here.

The executors write one *envelope* row per file met: what became of the file, and for a letter its
rows nested (the letter's fields as a struct, its items and citations as lists of structs). The
driver derives each raw table from the envelopes with `select_list`, in the table's column order
and types, so the lake's Parquet files have the columns `imr export --raw --parquet` writes.
"""

from __future__ import annotations

import pyarrow as pa

from ingest.load.rows import ARROW_TYPES, arrow_schema
from ingest.load.schema import ROW_COLUMNS, TABLES

# Per file. `path` is the local path for local files (as the DuckDB ingest stores it), else the
# URL Spark read. `outcome` is what the executor found: loaded, quarantined, or known (the lake
# holds the bytes already, `known` says as a letter or as a quarantined file: never parsed again).
FILE_FIELDS = pa.schema(
    [
        ("path", pa.string()),
        ("source_file", pa.string()),
        ("file_size", pa.int64()),
        ("sha256", pa.string()),
        ("order_key", pa.string()),
        ("known", pa.string()),
        ("outcome", pa.string()),
        ("error_kind", pa.string()),
        ("message", pa.string()),
        ("parser_version", pa.string()),
    ]
)


def _nested(table: str, leave_out: tuple[str, ...]) -> pa.StructType:
    """A struct of the table's row columns less those the envelope has per file."""
    return pa.struct(arrow_schema([column for column in ROW_COLUMNS[table] if column.name not in leave_out]))


LETTER = _nested("letters", ("sha256", "source_file", "source_path", "file_size"))
ITEM = _nested("items", ("sha256",))
CITATION = _nested("citations", ("sha256",))
ENVELOPE = pa.schema([*FILE_FIELDS, ("letter", LETTER), ("items", pa.list_(ITEM)), ("citations", pa.list_(CITATION))])


def spark_type(sql: str) -> str:
    """The Spark SQL type of a raw column type (a DuckDB TIMESTAMP is Spark's timestamp_ntz)."""
    from pyspark.sql.pandas.types import from_arrow_type

    return str(from_arrow_type(ARROW_TYPES[sql]).simpleString())


def select_list(table: str, values: dict[str, str]) -> str:
    """The columns of raw `table`, in order, each cast to its type: `values` gives the SQL of the
    run's columns (load id, times); the others are read by name."""
    return ", ".join(
        f"cast({values.get(column.name, column.name)} as {spark_type(column.sql)}) as {column.name}" for column in TABLES[table]
    )

"""`imr export --parquet`: every mart as a Parquet file, in the served types, with each column's
description in its field metadata and the mart's in the file's (key `description`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from imr.quoting import sql_name
from imr.serve.warehouse import MARTS_SCHEMA, mart_columns, mart_tables, served, table_description

BATCH_ROWS = 100_000  # rows held at a time: the fact table of 1.7M letters streams through


def export_parquet(home: Path, out: Path) -> list[Path]:
    """Every mart as out/<mart>.parquet; returns the files written."""
    source = served(home)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(source), read_only=True) as con:
        for table in mart_tables(con):
            path = out / f"{table}.parquet"
            schema = _schema(con, table)
            rows = con.sql(f"select * from {sql_name(MARTS_SCHEMA, table)}").to_arrow_reader(BATCH_ROWS)
            with pq.ParquetWriter(path, schema) as writer:
                for batch in rows:
                    writer.write_batch(batch.cast(schema))
            written.append(path)
    return written


def _schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    fields = [
        pa.field(column.name, pa.type_for_alias(column.type.parquet), metadata={"description": column.description})
        for column in mart_columns(con, table)
    ]
    return pa.schema(fields, metadata={"description": table_description(con, table)})

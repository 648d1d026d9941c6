"""`imr export --parquet`: every mart as a Parquet file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from imr.quoting import sql_name, sql_string
from imr.serve.warehouse import MARTS_SCHEMA, mart_tables, served


def export_parquet(home: Path, out: Path) -> list[Path]:
    """Every mart as out/<mart>.parquet; returns the files written."""
    source = served(home)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(source), read_only=True) as con:
        for table in mart_tables(con):
            path = out / f"{table}.parquet"
            con.execute(f"copy {sql_name(MARTS_SCHEMA, table)} to {sql_string(path)} (format parquet)")
            written.append(path)
    return written

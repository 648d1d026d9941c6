"""The raw tables as Parquet, for engines that do not read DuckDB files (Apache Spark).

One folder per table, `<out>/<table>/<table>.parquet`: the layout Spark reads as a table, and the
one the dbt sources expect on Spark (`meta.parquet_location` in `_imr__sources.yml`). Types travel
as Parquet has them: lists stay lists, dates dates, load times timestamps without a time zone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from imr.home import Home
from imr.quoting import sql_name, sql_string
from ingest.load.schema import RAW_SCHEMA, TABLES


def raw_parquet(home: Path, out: Path) -> list[Path]:
    """Every table of the raw database under `home` into its folder under `out`; returns the files.

    Each table's folder is emptied first, so a table never holds two exports' rows. The raw
    database is opened read-only, as the DuckDB build attaches it.
    """
    database = Home(home).raw
    if not database.exists():
        raise FileNotFoundError(f"{database}: no raw database here; run `imr ingest` first")
    written = []
    with duckdb.connect(str(database), read_only=True) as con:
        for table in TABLES:
            folder = out / table
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            path = folder / f"{table}.parquet"
            con.execute(f"copy {sql_name(RAW_SCHEMA, table)} to {sql_string(path)} (format parquet)")
            written.append(path)
    return written

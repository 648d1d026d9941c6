"""The served warehouse as every serving path reads it: the file, opened read-only, schema marts.

Readers never block a refresh (it replaces the file by a rename) and a refresh never blocks them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from imr.home import Home

MARTS_SCHEMA = "marts"


def served(home: Path) -> Path:
    """The served file of `home`; FileNotFoundError when nothing was published yet."""
    path = Home(home).served
    if not path.exists():
        raise FileNotFoundError(f"{path}: no served warehouse yet (run `imr refresh` or `imr build`)")
    return path


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The marts' table names, sorted."""
    rows = con.execute("select table_name from duckdb_tables() where schema_name = ? order by table_name", [MARTS_SCHEMA]).fetchall()
    return [name for (name,) in rows]

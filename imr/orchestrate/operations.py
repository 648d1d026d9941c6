"""The home's operations database (`Home.operations`: refresh runs, expectation results), opened
by every writer through `connect`, so that readers of the run records (monitoring, a BI tool's
older DuckDB) can open it as they open the served file: in storage version `STORAGE_VERSION`."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import duckdb

from imr.home import STORAGE_VERSION, Home


def connect(home: Path) -> duckdb.DuckDBPyConnection:
    """The operations database of `home`, for writing; one written in a newer storage version (by
    an earlier release) is first copied into STORAGE_VERSION."""
    path = Home(home).operations
    if path.exists() and _storage_tag(path) != _storage_tag_of_new_files():
        _rewrite(path)
    return duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION})


def _storage_tag(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return str(con.execute("select tags['storage_version'] from duckdb_databases() where not internal").fetchall()[0][0])


@cache
def _storage_tag_of_new_files() -> str:
    """How DuckDB tags a file written in STORAGE_VERSION (it names storage formats, not releases)."""
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch, "probe.duckdb")
        duckdb.connect(str(probe), config={"storage_compatibility_version": STORAGE_VERSION}).close()
        return _storage_tag(probe)


def _rewrite(path: Path) -> None:
    copy = path.with_name(path.name + ".rewrite")
    copy.unlink(missing_ok=True)
    with duckdb.connect() as con:
        con.execute(f"attach '{path}' as source (read_only)")
        con.execute(f"attach '{copy}' as target (storage_version '{STORAGE_VERSION}')")
        con.execute("copy from database source to target")
    os.replace(copy, path)

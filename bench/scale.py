"""Raw databases of any size from one ingested base: the base's letters and copies of them under
new identities (hash, case number, path), so that `imr build` can be measured at 1.7 million
letters without generating and ingesting 1.7 million files first.

Copy r of a letter gets sha256(hash || ':' || r) as its hash and case number CM(99-r)-..., so
every copy is a distinct current document; its items and citations are copied with it. The
text, the items and the dates are the base's: the copies change the row counts, not the
vocabulary the classification rules see (see BENCHMARKS.md for what that means for the build).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from imr.home import Home
from imr.quoting import sql_name, sql_string
from ingest.clock import utc_now
from ingest.load.schema import RAW_SCHEMA, TABLES, ddl
from ingest.load.store import open_raw

MAX_COPIES = 99  # case numbers CM00- to CM99-


def scale_raw(base_home: Path, home: Path, letters: int) -> int:
    """Make `home` a new warehouse home whose raw database holds `letters` letters made from
    base_home's; returns the count."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    con = open_raw(Home(home).raw, memory_limit="2GB")
    try:
        con.execute(ddl())  # the loader's current tables, whatever version wrote the base
        con.execute(f"attach {sql_string(Home(base_home).raw)} as base (read_only)")
        for table in TABLES:
            con.execute(f"insert into {sql_name(RAW_SCHEMA, table)} by name select * from {sql_name('base', RAW_SCHEMA, table)}")
        con.execute("detach base")
        base = con.execute("select count(*) from raw.letters").fetchall()[0][0]
        copies = -(-letters // base) - 1
        if copies > MAX_COPIES:
            raise ValueError(f"{letters} letters need {copies} copies of {base}; at most {MAX_COPIES}")
        con.execute("create temp table base_letters as select * from raw.letters order by sha256")
        for copy in range(1, copies + 1):
            count = min(base, letters - base * copy)
            _copy(con, copy, count)
        return con.execute("select count(*) from raw.letters").fetchall()[0][0]
    finally:
        con.close()


def _copy(con: duckdb.DuckDBPyConnection, copy: int, count: int) -> None:
    """Copy number `copy` of the first `count` base letters, with its items and citations, in one transaction."""
    load_id = f"scale-copy-{copy:02d}"
    now = utc_now()
    con.execute("begin transaction")
    con.execute(
        "create or replace temp table identity as select sha256, sha256(sha256 || ':' || ?) as new_sha256 "
        "from base_letters order by sha256 limit ?",
        [copy, count],
    )
    con.execute(
        "insert into raw.ingest_runs (load_id, started_at, ended_at, parser_version, files_seen, loaded, status) "
        "select ?, ?, ?, max(parser_version), ?, ?, 'succeeded' from base_letters",
        [load_id, now, now, count, count],
    )
    con.execute(
        """
        insert into raw.letters by name
        select base_letters.* replace (
            identity.new_sha256 as sha256,
            'CM' || lpad(cast(99 - ? as varchar), 2, '0') || substr(case_number, 5) as case_number,
            'copy' || ? || '/' || source_file as source_file,
            'copy' || ? || '/' || source_path as source_path,
            ? as load_id,
            ? as loaded_at
        )
        from base_letters join identity using (sha256)
    """,
        [copy, copy, copy, load_id, now],
    )
    for table in ("items", "citations"):
        con.execute(
            f"""
            insert into raw.{table} by name
            select {table}.* replace (identity.new_sha256 as sha256, ? as load_id)
            from raw.{table} as {table} join identity using (sha256)
        """,
            [load_id],
        )
    con.execute(
        """
        insert into raw.sources by name
        select identity.new_sha256 as sha256, 'copy' || ? || '/' || base_letters.source_path as source_path,
               ? as load_id, ? as first_seen_at
        from base_letters join identity using (sha256)
    """,
        [copy, load_id, now],
    )
    con.execute("commit")

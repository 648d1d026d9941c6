"""Records into the raw DuckDB tables (`Home.raw`, schema `raw`). Knows records and DuckDB,
nothing of layouts.

Each batch goes in as Arrow tables inside one transaction, together with its run's counters,
so a run killed at any moment leaves whole batches or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from imr.home import Home
from ingest.clock import new_run_id, utc_now
from ingest.load.known import LETTER_KEY_SQL, SIGHTING_KEY_SQL, KnownKeys, letter_key, sighting_key
from ingest.load.rows import LetterTables, letter_tables
from ingest.load.schema import ROW_GROUP_SIZE, ddl
from ingest.outcomes import Loaded, Quarantined
from ingest.record import LetterRecord


@dataclass
class Batch:
    """What one transaction writes: new letters, new quarantine rows, new (sha256, path) sightings."""

    letters: list[LetterTables] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    files_seen: int = 0
    loaded: int = 0
    duplicates: int = 0
    known_bad: int = 0

    def __len__(self) -> int:
        return self.files_seen


def open_raw(path: Path, **config: str | bool | int | float | list[str]) -> duckdb.DuckDBPyConnection:
    """A connection that writes the raw database at `path` (catalog `ingest`, as DuckDB would
    name it from the file), in row groups of ROW_GROUP_SIZE."""
    con = duckdb.connect(config=config)
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"attach '{quoted}' as ingest (row_group_size {ROW_GROUP_SIZE})")
        con.execute("use ingest")
    except BaseException:
        con.close()
        raise
    return con


class RawStore:
    """The raw database of one warehouse home, opened for writing."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.path = Home(home).raw
        try:
            # Bounded memory however much comes in: DuckDB spills rather than caching the whole file.
            self.con = open_raw(self.path, memory_limit="256MB", threads=1)
        except duckdb.IOException as error:
            raise RuntimeError(f"{self.path}: cannot open the raw database for writing ({error})") from None
        self.con.execute(ddl())

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> RawStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # What is already there -------------------------------------------------------------------

    def known_letters(self) -> KnownKeys[str]:
        """The stored letters, by their files' SHA-256."""
        return KnownKeys(self._keys(f"select {LETTER_KEY_SQL} from raw.letters"), letter_key)

    def known_bad(self) -> set[str]:
        """Quarantine keys: the file's hash, or its path when it could not even be read."""
        rows = self.con.execute("select coalesce(sha256, 'path:' || source_path) from raw.quarantine").fetchall()
        return {row[0] for row in rows}

    def known_sources(self) -> KnownKeys[tuple[str, str]]:
        """The stored sightings, by (file SHA-256, path)."""
        return KnownKeys(self._keys(f"select {SIGHTING_KEY_SQL} from raw.sources"), sighting_key)

    def _keys(self, query: str) -> pa.ChunkedArray:
        return self.con.sql(query).to_arrow_table().column(0)

    # Runs ------------------------------------------------------------------------------------

    def start_run(self, parser_version: str) -> str:
        """A new run id; runs a killed process left 'running' are marked 'aborted'."""
        load_id = new_run_id()
        self.con.execute("update raw.ingest_runs set status = 'aborted' where status = 'running'")
        self.con.execute(
            "insert into raw.ingest_runs (load_id, started_at, parser_version, status) values (?, ?, ?, 'running')",
            [load_id, utc_now(), parser_version],
        )
        return load_id

    def finish_run(self, load_id: str, status: str) -> None:
        self.con.execute("update raw.ingest_runs set ended_at = ?, status = ? where load_id = ?", [utc_now(), status, load_id])

    # Writing ---------------------------------------------------------------------------------

    def write_batch(self, load_id: str, batch: Batch, parser_version: str) -> None:
        """One transaction: the batch's rows and its run counters, or nothing."""
        now = utc_now()
        self.con.execute("begin transaction")
        try:
            if batch.letters:
                self._insert(
                    "letters",
                    pa.concat_tables([part.letters for part in batch.letters]),
                    parser_version=parser_version,
                    load_id=load_id,
                    loaded_at=now,
                )
                self._insert("items", pa.concat_tables([part.items for part in batch.letters]), load_id=load_id)
                self._insert("citations", pa.concat_tables([part.citations for part in batch.letters]), load_id=load_id)
            bad = batch.quarantined
            self._insert_lists(
                "quarantine",
                {
                    "source_path": [q.path for q in bad],
                    "source_file": [Path(q.path).name for q in bad],
                    "sha256": [q.sha256 for q in bad],
                    "file_size": [q.size for q in bad],
                    "error_kind": [q.kind for q in bad],
                    "message": [q.message for q in bad],
                },
                load_id=load_id,
                quarantined_at=now,
            )
            self._insert_lists(
                "sources",
                {
                    "sha256": [sha for sha, _ in batch.sources],
                    "source_path": [path for _, path in batch.sources],
                },
                load_id=load_id,
                first_seen_at=now,
            )
            self.con.execute(
                "update raw.ingest_runs set files_seen = files_seen + ?, loaded = loaded + ?, "
                "duplicates = duplicates + ?, quarantined = quarantined + ? where load_id = ?",
                [batch.files_seen, batch.loaded, batch.duplicates, len(batch.quarantined) + batch.known_bad, load_id],
            )
            self.con.execute("commit")
        except BaseException:
            self.con.execute("rollback")
            raise

    def _insert_lists(self, table: str, columns: dict[str, list[Any]], **run_values: Any) -> None:
        """Rows given as one Python list per column, unnested side by side by DuckDB (building
        Arrow arrays from Python lists would make pyarrow import pandas, half a second a run)."""
        if not next(iter(columns.values())):
            return
        selects = [f"unnest(?) as {name}" for name in columns] + [f"? as {name}" for name in run_values]
        self.con.execute(f"insert into raw.{table} by name select {', '.join(selects)}", [*columns.values(), *run_values.values()])

    def _insert(self, table: str, rows: pa.Table, **run_values: Any) -> None:
        """Arrow rows into raw.<table>, with the run's columns (one value for all rows) added in SQL."""
        if not rows.num_rows:
            return
        run_columns = "".join(f", ? as {column}" for column in run_values)
        self.con.register("batch_rows", rows)
        try:
            self.con.execute(f"insert into raw.{table} by name select *{run_columns} from batch_rows", list(run_values.values()))
        finally:
            self.con.unregister("batch_rows")

    # Reparse ---------------------------------------------------------------------------------

    def stale_letters(self, parser_version: str) -> list[tuple[str, str, str]]:
        """(sha256, source_file, full_text) of letters loaded by another parser version."""
        return self.con.execute(
            "select sha256, source_file, full_text from raw.letters where parser_version <> ? order by sha256",
            [parser_version],
        ).fetchall()

    def replace_records(self, load_id: str, records: list[LetterRecord], parser_version: str) -> None:
        """New records for letters already loaded: letter fields updated, items and citations replaced."""
        if not records:
            return
        shas = [record["sha256"] for record in records]
        fresh = letter_tables([Loaded(path="", size=0, text="", record=record) for record in records])
        letters = fresh.letters.drop_columns(["source_file", "source_path", "file_size", "full_text"])
        assignments = ", ".join(f"{name} = new.{name}" for name in letters.column_names if name != "sha256")
        self.con.execute("begin transaction")
        try:
            self.con.register("new", letters)
            self.con.execute(
                f"update raw.letters set {assignments}, parser_version = ? from new where raw.letters.sha256 = new.sha256", [parser_version]
            )
            self.con.unregister("new")
            for table in ("items", "citations"):
                self.con.execute(f"delete from raw.{table} where sha256 in (select unnest(?))", [shas])
            self._insert("items", fresh.items, load_id=load_id)
            self._insert("citations", fresh.citations, load_id=load_id)
            self.con.execute("update raw.ingest_runs set reparsed = reparsed + ? where load_id = ?", [len(records), load_id])
            self.con.execute("commit")
        except BaseException:
            self.con.execute("rollback")
            raise

"""Records into the raw DuckDB tables (`Home.raw`, schema `raw`). Knows records and DuckDB,
nothing of layouts.

Each batch goes in as Arrow tables inside one transaction, together with its run's counters,
so a run killed at any moment leaves whole batches or nothing. Every DuckDB error becomes an
IngestFailed naming the step, or a DamagedDatabase when DuckDB finds the file damaged; the
file is then left exactly as it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from imr.home import Home
from imr.quoting import sql_string
from ingest.clock import new_run_id, utc_now
from ingest.load.errors import DamagedDatabase, IngestFailed
from ingest.load.known import LETTER_KEY_SQL, SIGHTING_KEY_SQL, KnownKeys, letter_key, sighting_key
from ingest.load.rows import LetterTables, letter_tables
from ingest.load.schema import REFUSED_ON_REPARSE, ROW_GROUP_SIZE, ddl, migrations
from ingest.outcomes import Loaded, Quarantined, one_line
from ingest.record import LetterRecord

# DuckDB's memory while a run writes: bounded however much comes in (DuckDB spills rather than
# caching the whole file), with room for one transaction's rows (see memory_limit).
MEMORY_LIMIT = 256 * 1024 * 1024
# What DuckDB says of a file it cannot trust: not a database, cut short, or a block whose checksum fails.
_DAMAGE = ("not a valid DuckDB database file", "Could not read enough bytes", "Corrupt database file", "checksum")


def memory_limit(max_file_size: int) -> int:
    """DuckDB's memory limit for a run that takes files up to `max_file_size` bytes. A letter's text
    goes in about twice (its full text, and its items' rationales), and DuckDB needs a string's size
    again to commit it: a 200 MB letter failed its batch at 256 MB (an 80 MB one loaded)."""
    return max(MEMORY_LIMIT, 4 * max_file_size)


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
    rows_bytes: int = 0  # the letters' Arrow rows, as the workers sent them (see ingest.load.run.BATCH_BYTES)

    def __len__(self) -> int:
        return self.files_seen


def open_raw(path: Path, **config: str | bool | int | float | list[str]) -> duckdb.DuckDBPyConnection:
    """A connection that writes the raw database at `path` (catalog `ingest`, as DuckDB would
    name it from the file), in row groups of ROW_GROUP_SIZE."""
    con = duckdb.connect(config=config)
    try:
        con.execute(f"attach {sql_string(path)} as ingest (row_group_size {ROW_GROUP_SIZE})")
        con.execute("use ingest")
    except BaseException:
        con.close()
        raise
    return con


class RawStore:
    """The raw database of one warehouse home, opened for writing."""

    def __init__(self, home: Path, memory: int = MEMORY_LIMIT) -> None:
        self.path = Home(home).raw
        self.memory = memory
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise IngestFailed(f"{home}: cannot create the home folder: {error.strerror or error}") from None
        try:
            self.con = open_raw(self.path, memory_limit=f"{memory}B", threads=1)
        except duckdb.Error as error:
            raise self.failure("cannot open the raw database for writing", error) from None
        with self.step("cannot create the raw tables"):
            self.con.execute(ddl())

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """A DuckDB error in the block ends the run, as `failure` says it."""
        try:
            yield
        except duckdb.Error as error:
            raise self.failure(name, error) from None

    def failure(self, step: str, error: duckdb.Error) -> IngestFailed:
        """The error that ends a run, `step` saying what was being done, one line naming the file:
        DamagedDatabase when DuckDB finds the file damaged (then closed, to write nothing more to
        it), else IngestFailed."""
        message = one_line(error)
        if not any(sign in message for sign in _DAMAGE):
            return IngestFailed(f"{self.path}: {step}: {message}")
        if hasattr(self, "con"):
            with suppress(duckdb.Error):
                self.con.close()
        return DamagedDatabase(damage_message(self.path, message))

    def close(self) -> None:
        """Close (DuckDB checkpoints: what is committed is in the write-ahead log if that fails)."""
        with self.step("cannot close the raw database"):
            self.con.close()

    def __enter__(self) -> RawStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:  # the error in flight is the one to tell
            with suppress(IngestFailed):
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
        """A new run id; runs a killed process left 'running' are marked 'aborted'.

        One transaction, after the run table is read whole (a row a run), as the stored keys were:
        DuckDB finds a damaged block when it reads it, and a damaged file is left as it was.
        """
        load_id = new_run_id()
        self.con.execute("select * from raw.ingest_runs").fetchall()
        with self._transaction("cannot record the start of a run"):
            self.con.execute(migrations())
            self.con.execute("update raw.ingest_runs set status = 'aborted' where status = 'running'")
            self.con.execute(
                "insert into raw.ingest_runs (load_id, started_at, parser_version, status) values (?, ?, ?, 'running')",
                [load_id, utc_now(), parser_version],
            )
        return load_id

    def finish_run(self, load_id: str, status: str, message: str | None = None) -> None:
        self.con.execute(
            "update raw.ingest_runs set ended_at = ?, status = ?, message = ? where load_id = ?", [utc_now(), status, message, load_id]
        )

    @contextmanager
    def run(self, parser_version: str) -> Iterator[str]:
        """A run's record around the block, which gets its load id: 'succeeded' when the block
        ends, else 'failed' with the one-line message of what ended it, raised as IngestFailed
        (an interrupt is recorded as such and raised as it is)."""
        with self.step("cannot read raw.ingest_runs"):
            load_id = self.start_run(parser_version)
        try:
            yield load_id
        except BaseException as error:
            failure = error if isinstance(error, IngestFailed) else IngestFailed(f"the ingest run failed: {one_line(error)}")
            try:
                self.finish_run(load_id, "failed", "interrupted" if isinstance(error, KeyboardInterrupt) else str(failure))
            except duckdb.Error as also:
                failure = IngestFailed(
                    f"{failure}; the run could not be recorded as failed ({one_line(also)}), the next run marks it aborted"
                )
            if not isinstance(error, Exception):
                raise
            raise failure from None
        with self.step("cannot record the end of the run"):
            self.finish_run(load_id, "succeeded")

    @contextmanager
    def _transaction(self, step: str) -> Iterator[None]:
        """One transaction: committed whole, or rolled back (a failed commit has rolled back
        already) and its DuckDB error raised as the run's failure, naming `step`."""
        with self.step(step):
            self.con.execute("begin transaction")
            try:
                yield
                self.con.execute("commit")
            except BaseException:
                with suppress(duckdb.TransactionException):  # "no transaction is active": the commit failed
                    self.con.execute("rollback")
                raise

    # Writing ---------------------------------------------------------------------------------

    def write_batch(self, load_id: str, batch: Batch, parser_version: str) -> None:
        """One transaction: the batch's rows and its run counters, or nothing."""
        now = utc_now()
        with self._transaction(f"cannot write a batch of {batch.loaded} letters, {len(batch.quarantined)} quarantined files"):
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
        with self._transaction(f"cannot write {len(records)} re-parsed records"):
            self.con.register("new", letters)
            self.con.execute(
                f"update raw.letters set {assignments}, parser_version = ? from new where raw.letters.sha256 = new.sha256", [parser_version]
            )
            self.con.unregister("new")
            for table in ("items", "citations"):
                self.con.execute(f"delete from raw.{table} where sha256 in (select unnest(?))", [shas])
            self._insert("items", fresh.items, load_id=load_id)
            self._insert("citations", fresh.citations, load_id=load_id)
            # Read whole now: no longer held for an earlier parser's refusal.
            self.con.execute("delete from raw.set_aside where reason = ? and sha256 in (select unnest(?))", [REFUSED_ON_REPARSE, shas])
            self.con.execute("update raw.ingest_runs set reparsed = reparsed + ? where load_id = ?", [len(records), load_id])

    def set_aside_refused(self, refused: list[tuple[str, str]]) -> None:
        """Letters whose stored text the current parser refuses, (sha256, why): their old record
        stays in raw but is set aside (REFUSED_ON_REPARSE), left out of the marts until a later
        parser reads them or a person releases them; a release already given stands."""
        if not refused:
            return
        with self._transaction(f"cannot set aside {len(refused)} letters the parser refuses"):
            self.con.execute(
                "create or replace temp table refused as "
                "select unnest(cast(? as varchar[])) as sha256, unnest(cast(? as varchar[])) as detail",
                [[sha256 for sha256, _ in refused], [why for _, why in refused]],
            )
            self.con.execute(
                "update raw.set_aside set detail = refused.detail from refused where set_aside.sha256 = refused.sha256 and reason = ?",
                [REFUSED_ON_REPARSE],
            )
            self.con.execute(
                "insert into raw.set_aside (sha256, case_number, reason, detail, set_aside_at) "
                "select r.sha256, l.case_number, ?, r.detail, ? from refused r join raw.letters l using (sha256) "
                "where not exists (select 1 from raw.set_aside a where a.sha256 = r.sha256 and a.reason = ?)",
                [REFUSED_ON_REPARSE, utc_now(), REFUSED_ON_REPARSE],
            )


def damage_message(path: Path, error: str) -> str:
    """What to say of a damaged raw database: what DuckDB found, that the file was not touched, how
    to rebuild it (docs/ingest.md), and where its files were, if its record of them can be read."""
    under = _recorded_under(path)
    found = f"; the files it recorded are under {under}" if under else ""
    return (
        f"{path} is damaged ({error}); it was left as it is. To rebuild it, move it (and {path.name}.wal, if any) "
        f"aside and run `imr ingest` again on the input folders{found} (docs/ingest.md: When ingest.duckdb is damaged)"
    )


def _recorded_under(path: Path) -> str | None:
    """The folder holding every file the damaged database recorded (raw.sources), read without
    writing; None when that record cannot be read either."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            paths = [row[0] for row in con.execute("select distinct source_path from raw.sources").fetchall()]
    except duckdb.Error:
        return None
    return os.path.commonpath(paths) if paths else None

"""One Spark ingest run: every file under the roots to the raw tables of a lake (`ingest.lake.store`),
by the DuckDB ingest's rules (docs/ingest.md): identity is the SHA-256 of the bytes, across names
and runs; a file is loaded, a duplicate, or quarantined with its reason, and one the lake has
quarantined already is counted, not stored again; `sources` keeps every (hash, path) once.

1. Spark lists and reads the files (binaryFile) and hashes them in the JVM (sha2). The lake's
   letters and quarantined files, as 16-byte hash prefixes (`ingest.load.known`'s keys), are
   broadcast to every task: bytes the lake holds never reach Python.
2. Python workers (`ingest.lake.executor`) turn the other files into envelope rows with
   `process_file`; the envelopes are written to the run's staging.
3. Files Spark listed but did not return (empty, unreadable, gone; and links to nothing, which
   Hadoop does not list) get envelopes of their own, with the DuckDB ingest's reasons.
4. Each file's status: known to the lake, a copy of bytes met earlier in this run (the first met,
   in the DuckDB ingest's order, is the letter's source_path), or what its envelope says.
5. Each raw table's new rows are derived from the envelopes by Spark SQL, written to staging, and
   committed with the run's `ingest_runs` row.

The driver collects counts and the paths of lost files, never a file's bytes.
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.clock import new_run_id, utc_now
from ingest.extract.files import MAX_FILE_SIZE
from ingest.lake import executor
from ingest.lake.inputs import GLOB, LOCAL_PATH_SQL, Roots, is_local, named, unlisted
from ingest.lake.schema import ENVELOPE, select_list
from ingest.lake.store import LakeStore
from ingest.load.pipeline import RunSummary
from ingest.load.run import RunCounts
from ingest.load.schema import TABLES
from ingest.parse import PARSER_VERSION

# The 16-byte key of a hex SHA-256 (as ingest.load.known's LETTER_KEY_SQL, in Spark's SQL).
KEY_SQL = "unhex(substr({}, 1, 32))"
# Rows a new table file holds at most: about 200 MB of letters with their text.
LETTERS_PER_FILE = 20_000
SOURCES_PER_FILE = 1_000_000

# Each raw table's new rows, from the classified envelopes (view `files`), under the raw column
# names (schema.select_list then orders and casts them, and adds the run's columns).
ROWS = {
    "letters": "select *, path as source_path, letter.* from files where status = 'loaded'",
    "items": "select sha256, inline(items) from files where status = 'loaded'",
    "citations": "select sha256, inline(citations) from files where status = 'loaded'",
    "quarantine": "select *, path as source_path from files where status = 'quarantined'",
    "sources": """select f.sha256, f.path as source_path from files f
                  left anti join stored_sources s on f.sha256 = s.sha256 and f.path = s.source_path
                  where f.sha256 is not null""",
    # Written by `imr build` from a home's raw database, never by an ingest: the lake holds it
    # empty, so that the models that leave out the letters set aside read the lake unchanged.
    "set_aside": "select " + ", ".join(f"null as {column.name}" for column in TABLES["set_aside"]) + " from files where false",
}
# Bytes met more than once in this run, and the path they are met at first.
REPEATED_SQL = """
select sha256, min_by(path, order_key) as first_path
from envelopes where sha256 is not null group by sha256 having count(*) > 1
"""
# What became of each file: known to the lake (as a letter or as a bad file, `known`; an unreadable
# path by its path), a copy of bytes met earlier in this run (`repeated`), else its envelope's outcome.
STATUS_SQL = """
select /*+ broadcast(r), broadcast(q) */ e.*, case
    when e.known = 'letter' then 'duplicate'
    when e.known = 'bad' or (e.sha256 is null and q.path is not null) then 'known_bad'
    when r.first_path is not null and e.path <> r.first_path then 'duplicate'
    else e.outcome
end as status
from envelopes e
left join repeated r on e.sha256 = r.sha256
left join known_paths q on e.path = q.path
"""


def ingest_lake(spark: Any, paths: Sequence[str | Path], lake: str | Path, max_size: int | None = MAX_FILE_SIZE) -> RunSummary:
    """Ingest the files under `paths` (local paths or URLs) into the lake at `lake` with `spark`,
    files over `max_size` bytes quarantined unread (too_large, None: no limit); FileNotFoundError
    for a path that is not there, LakeBusy when another run holds the lake."""
    if not paths:
        raise ValueError("no files or folders to ingest")
    started = time.perf_counter()
    store = LakeStore(spark, named(lake))
    roots = _roots(store, paths)
    with store.lock():
        store.recover()
        load_id = new_run_id()
        row = {"load_id": load_id, "started_at": utc_now(), "parser_version": PARSER_VERSION, **_run_counts(RunCounts())}
        store.start(load_id, row)
        try:
            counts = Run(spark, store, load_id, roots, max_size).run()
        except Exception:
            with contextlib.suppress(Exception):  # else the next run records it, as aborted
                store.close(load_id, {**row, "ended_at": utc_now(), "status": "failed"})
            raise
        store.write_run(load_id, {**row, **_run_counts(counts), "ended_at": utc_now(), "status": "succeeded"})
        store.commit(load_id)
    return RunSummary(load_id, counts, time.perf_counter() - started)


def _roots(store: LakeStore, paths: Sequence[str | Path]) -> Roots:
    given = []
    for path in paths:
        url = named(path)
        found = store.files.status(url)
        if found is None:
            raise FileNotFoundError(f"{path}: no such file or folder")
        given.append((store.files.qualified(url), found[0]))
    return Roots.of(given)


def _run_counts(counts: RunCounts) -> dict[str, int]:
    """The run's ingest_runs counters, as the DuckDB ingest keeps them."""
    return {
        "files_seen": counts.files_seen,
        "loaded": counts.loaded,
        "duplicates": counts.duplicates,
        "quarantined": counts.quarantined + counts.known_bad,
        "reparsed": 0,
    }


class Run:
    """The steps of one run (see the module's docstring), writing under the run's staging."""

    def __init__(self, spark: Any, store: LakeStore, load_id: str, roots: Roots, max_size: int | None) -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        self.spark, self.store, self.load_id, self.roots, self.max_size = spark, store, load_id, roots, max_size
        self.envelope_type = from_arrow_schema(ENVELOPE)
        self.parse = functools.partial(executor.envelopes, roots=roots.order, max_size=max_size)

    def run(self) -> RunCounts:
        known = self._known().persist()
        try:
            listing = self._listing()
            self._scan(listing, known)
            self._lost(listing, known)
        finally:
            known.unpersist()
        envelopes = self.spark.read.parquet(*(self.store.staged(self.load_id, "envelopes", part) for part in self._envelope_parts()))
        envelopes.createOrReplaceTempView("envelopes")
        repeated = self.spark.sql(REPEATED_SQL).persist()
        try:
            repeated.createOrReplaceTempView("repeated")
            self._table("quarantine", "sha256 is null", "source_path as path").createOrReplaceTempView("known_paths")
            files = self.spark.sql(STATUS_SQL)
            files.createOrReplaceTempView("files")
            counts = self._counts(files)
            self._write_tables(counts)
        finally:
            repeated.unpersist()
        return counts

    # 1-3: the envelopes ----------------------------------------------------------------------------

    def _known(self) -> Any:
        """What the lake holds, by 16-byte key: 'letter' or 'bad' (a stored letter wins, as in the DuckDB ingest)."""
        from pyspark.sql import functions as F

        key = f"{KEY_SQL.format('sha256')} as key"
        letters = self._table("letters", "true", key).withColumn("known", F.lit("letter"))
        bad = self._table("quarantine", "sha256 is not null", key).withColumn("known", F.lit("bad"))
        return letters.unionByName(bad).groupBy("key").agg(F.max("known").alias("known"))

    def _table(self, table: str, where: str, *columns: str) -> Any:
        """Columns of the lake's rows of a table (none before its first run)."""
        if self.store.has(table):
            return self.spark.read.parquet(self.store.url(table)).where(where).selectExpr(*columns)
        return self.spark.createDataFrame([], "sha256 string, source_path string").selectExpr(*columns)

    def _listing(self) -> Any:
        """The files under the roots, as Spark lists and reads them."""
        frames = []
        if self.roots.folders:
            frames.append(
                self._reader()
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", GLOB)
                .option("ignoredPathSegmentRegex", "")  # Spark skips "_x" and ".x" names by default; the DuckDB ingest does not
                .load(self.roots.folders)
            )
        if self.roots.files:
            frames.append(self._reader().load(self.roots.files))
        return functools.reduce(lambda one, other: one.unionByName(other), frames)

    def _reader(self) -> Any:
        # Files that fail to read, or vanish once listed, are left out of the scan, then found lost.
        return self.spark.read.format("binaryFile").option("ignoreCorruptFiles", "true").option("ignoreMissingFiles", "true")

    def _scan(self, listing: Any, known: Any) -> None:
        from pyspark.sql import functions as F

        if self.max_size is not None:  # binaryFile filters on length before it reads: bigger files are met as lost
            listing = listing.where(F.col("length") <= self.max_size)
        hashed = listing.withColumn("sha256", F.sha2("content", 256))
        files = hashed.join(F.broadcast(known), F.expr(KEY_SQL.format("sha256")) == known.key, "left").select(
            F.expr(LOCAL_PATH_SQL.format("path")).alias("path"),
            "length",
            "sha256",
            F.when(F.col("known").isNull(), F.col("content")).alias("content"),
            "known",
            F.lit(False).alias("lost"),
        )
        files.mapInArrow(self.parse, self.envelope_type).write.parquet(self.store.staged(self.load_id, "envelopes", "scanned"))

    def _lost(self, listing: Any, known: Any) -> None:
        """Envelopes of the files listed but not scanned, and of links to nothing in local folders."""
        from pyspark.sql import functions as F

        listed = listing._jdf.inputFiles()  # a Java array, left in the JVM: a run may list millions
        scanned = self.spark.read.parquet(self.store.staged(self.load_id, "envelopes", "scanned")).select("path")
        paths = []
        if len(listed) != scanned.count():
            jvm = self.spark._jvm
            seq = jvm.scala.collection.immutable.ArraySeq.unsafeWrapArray(listed)
            urls = self.spark._jsparkSession.createDataset(seq, jvm.org.apache.spark.sql.Encoders.STRING())
            listing_paths = _frame(self.spark, urls.toDF()).select(
                # "file:///a%20b/c+d.pdf" to "/a b/c+d.pdf" (url_decode reads "+" as a space: kept as "%2B")
                F.expr(LOCAL_PATH_SQL.format("url_decode(replace(value, '+', '%2B'))")).alias("path")
            )
            paths = [row.path for row in listing_paths.join(scanned, "path", "left_anti").collect()]
        paths += [path for folder in self.roots.local_folders() for path in unlisted(folder)]
        if not paths:
            return
        rows = [(path, None if is_local(path) else self._length(path), None, None, None, True) for path in dict.fromkeys(paths)]
        found = self.spark.createDataFrame(rows, executor.FILES).mapInArrow(self.parse, self.envelope_type)
        known_now = found.drop("known").join(F.broadcast(known), F.expr(KEY_SQL.format("sha256")) == known.key, "left")
        known_now.select(*ENVELOPE.names).write.parquet(self.store.staged(self.load_id, "envelopes", "lost"))

    def _length(self, url: str) -> int | None:
        status = self.store.files.status(url)
        return None if status is None else status[1]

    def _envelope_parts(self) -> list[str]:
        return [name for name in self.store.files.names(self.store.staged(self.load_id, "envelopes")) if not name.startswith((".", "_"))]

    # 4-5: status, counts, tables ------------------------------------------------------------------

    def _counts(self, files: Any) -> RunCounts:
        rows = files.groupBy("status", "error_kind", "parser_version").count().collect()
        versions = {row.parser_version for row in rows if row.status == "loaded"} - {PARSER_VERSION}
        if versions:
            raise RuntimeError(
                f"the executors parse with parser {', '.join(sorted(versions))}, the driver with {PARSER_VERSION}: "
                "install the same imr-warehouse on both"
            )
        by_status: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        for row in rows:
            by_status[row.status] += row["count"]
            if row.status == "quarantined":
                kinds[row.error_kind] += row["count"]
        return RunCounts(
            files_seen=sum(by_status.values()),
            loaded=by_status["loaded"],
            duplicates=by_status["duplicate"],
            quarantined=by_status["quarantined"],
            known_bad=by_status["known_bad"],
            kinds=kinds,
        )

    def _write_tables(self, counts: RunCounts) -> None:
        self._table("sources", "true", "sha256", "source_path").createOrReplaceTempView("stored_sources")
        now = f"'{utc_now().isoformat(sep=' ')}'"
        values = {"load_id": f"'{self.load_id}'", "loaded_at": now, "quarantined_at": now, "first_seen_at": now}
        new_rows = {
            "letters": counts.loaded,
            "items": counts.loaded,
            "citations": counts.loaded,
            "quarantine": counts.quarantined,
            "set_aside": 0,
        }
        for table, rows in ROWS.items():
            added = new_rows.get(table, counts.files_seen)
            if added == 0 and self.store.has(table):
                continue
            per_file = SOURCES_PER_FILE if table == "sources" else LETTERS_PER_FILE
            frame = self.spark.sql(f"select {select_list(table, values)} from ({rows})")
            frame.coalesce(max(1, math.ceil(added / per_file))).write.parquet(self.store.staged(self.load_id, "tables", table))


def _frame(spark: Any, jdf: Any) -> Any:
    """A Python DataFrame over a JVM one."""
    from pyspark.sql import DataFrame

    return DataFrame(jdf, spark)

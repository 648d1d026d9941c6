"""A lake: the raw tables as Parquet files, one folder per table (`<lake>/letters/`, ...: the layout
`imr export --raw --parquet` writes and the dbt sources read on Spark), written by
`imr ingest --engine spark` through Hadoop's FileSystem (`ingest.lake.files`), so a local folder,
hdfs://, s3a:// or abfss:// alike.

The commit protocol. A run writes everything under `_staging/<load id>/` (Spark's listing of a
table, and so dbt's, skips names starting with "_" or "."), then commits: it writes the list of
its moves (`_COMMIT`, written aside then renamed: the commit point), renames each staged table
file into its table's folder, children first and its `ingest_runs` row last, and deletes its
staging. Every run starts by recovering what a killed run left: a staged run with a manifest is
rolled forward (a move already made is skipped), one without is dropped and recorded in
`ingest_runs` as aborted. So a run's rows are in the tables all or none, but for the moment of
the renames themselves, which a killed run's successor completes. One writer at a time: `_lock`
names the process holding the lake.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ingest.clock import utc_now
from ingest.lake.files import HadoopFiles
from ingest.load.schema import TABLES

STAGING = "_staging"
LOCK = "_lock"
MANIFEST = "_COMMIT"
STARTED = "_STARTED"
# Children before the tables they point at, the run's row last: the reverse of TABLES' order.
COMMIT_ORDER = tuple(reversed(TABLES))


class LakeBusy(RuntimeError):
    """Another run holds the lake."""


class LakeStore:
    """One lake, at a local path or any URL the Spark session can read and write."""

    def __init__(self, spark: Any, location: str) -> None:
        self.spark = spark
        self.files = HadoopFiles(spark)
        self.root = self.files.qualified(location).rstrip("/")

    def url(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def staged(self, load_id: str, *parts: str) -> str:
        return self.url(STAGING, load_id, *parts)

    def has(self, table: str) -> bool:
        """Whether the table has a file Spark reads (a table's first run writes one even when empty)."""
        return any(name.endswith(".parquet") and not name.startswith(("_", ".")) for name in self.files.names(self.url(table)))

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the lake for one run. A lock left by a killed run on this machine (its process is
        gone) is taken over; one held by a live process, or from another machine, is LakeBusy."""
        mine = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": utc_now().isoformat(sep=" ")})
        url = self.url(LOCK)
        if not self.files.write_text(url, mine, exclusive=True):
            holder = self._holder(url)
            if holder and (holder.get("host") != socket.gethostname() or _alive(int(holder.get("pid", 0)))):
                raise LakeBusy(
                    f"{self.root}: process {holder.get('pid')} on {holder.get('host')} has held this lake since "
                    f"{holder.get('since')} UTC; if no ingest is running, delete {url}"
                )
            self.files.delete(url)  # left by a killed run
            if not self.files.write_text(url, mine, exclusive=True):
                raise LakeBusy(f"{self.root}: another ingest took the lake just now")
        try:
            yield
        finally:
            self.files.delete(url)

    def _holder(self, url: str) -> dict[str, Any]:
        try:
            return dict(json.loads(self.files.read_text(url)))
        except ValueError:
            return {}  # cut short as it was written: its writer was killed

    # Runs -----------------------------------------------------------------------------------------

    def start(self, load_id: str, row: dict[str, Any]) -> None:
        """Make the run's staging folder, holding what recovery needs to record it as aborted."""
        self.files.write_text(self.staged(load_id, STARTED), json.dumps(row, default=str))

    def write_run(self, load_id: str, row: dict[str, Any]) -> None:
        """Stage the run's `ingest_runs` row: one Parquet file (columns not in `row` are null)."""
        from pyspark.sql import functions as F

        from ingest.lake.schema import spark_type

        values = [
            F.lit(str(value) if isinstance(value := row.get(column.name), dt.datetime) else value)
            .cast(spark_type(column.sql))
            .alias(column.name)
            for column in TABLES["ingest_runs"]
        ]
        self.spark.range(1).select(*values).coalesce(1).write.mode("overwrite").parquet(self.staged(load_id, "tables", "ingest_runs"))

    def commit(self, load_id: str) -> int:
        """Move the run's staged table files into the tables (see the module's docstring); the
        number of files moved."""
        moves = []
        for table in COMMIT_ORDER:
            folder = self.staged(load_id, "tables", table)
            parts = [name for name in self.files.names(folder) if name.startswith("part-") and name.endswith(".parquet")]
            moves += [(f"{folder}/{name}", self.url(table, f"{load_id}-{number:05d}.parquet")) for number, name in enumerate(parts)]
        self.files.publish_text(self.staged(load_id, MANIFEST), json.dumps(moves))
        self._roll_forward(load_id, moves)
        return len(moves)

    def close(self, load_id: str, row: dict[str, Any]) -> None:
        """Commit a run's `ingest_runs` row alone (aborted, failed), whatever else it staged."""
        self.files.delete(self.staged(load_id, "tables"))
        self.write_run(load_id, row)
        self.commit(load_id)

    def recover(self) -> list[str]:
        """Finish or drop every run a killed process left in staging; what became of each."""
        done = []
        for load_id in self.files.names(self.url(STAGING)):
            if self.files.status(self.staged(load_id, MANIFEST)) is not None:
                self._roll_forward(load_id, json.loads(self.files.read_text(self.staged(load_id, MANIFEST))))
                done.append(f"{load_id}: committed")
            elif started := self._started(load_id):
                self.close(load_id, {**started, "status": "aborted"})
                done.append(f"{load_id}: aborted")
            else:  # killed before it had written where it started
                self.files.delete(self.staged(load_id))
        return done

    def _started(self, load_id: str) -> dict[str, Any] | None:
        url = self.staged(load_id, STARTED)
        if self.files.status(url) is None:
            return None
        try:
            return dict(json.loads(self.files.read_text(url)))
        except ValueError:
            return None  # cut short as it was written

    def _roll_forward(self, load_id: str, moves: list[Any]) -> None:
        for source, target in moves:
            self.files.move(source, target)
        self.files.delete(self.staged(load_id))


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

"""`imr refresh`: ingest, build, validate and publish, in order, one refresh at a time.

The served file `$IMR_HOME/imr.duckdb` is replaced only when the build and the critical
expectations passed, by renaming the staged build over it; a refresh killed at any step leaves
the previous served file as it was, and the next refresh starts its build from scratch. Each
refresh is one row of `ops.refresh_runs` in the home's operations database.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

import duckdb

from imr.home import Home
from imr.orchestrate import operations
from imr.orchestrate.engines import BuildError, DuckDBEngine
from imr.serve.report import write_report
from imr.serve.validation import write_validation_page
from ingest.clock import new_run_id, utc_now
from ingest.extract.files import MAX_FILE_SIZE
from ingest.load import pipeline
from ingest.load.errors import IngestFailed, MissingInput
from ingest.outcomes import one_line


class Exit(IntEnum):
    """How a refresh ends; its value is the process exit status (documented in docs/refresh.md)."""

    PUBLISHED = 0
    FAILED = 1  # an unexpected error, or the home cannot be written; the served file is unchanged
    BUSY = 3  # another refresh holds the lock; nothing was done
    INGEST_FAILED = 4  # the raw database could not be opened or written (held, damaged, disk full)
    BUILD_FAILED = 5  # dbt build or a dbt test failed; not published
    VALIDATION_FAILED = 6  # a critical expectation failed; not published
    POSTGRES_FAILED = 7  # published, but the PostgreSQL copy could not follow; the next refresh retries it


class RefreshBusy(RuntimeError):
    """Another refresh of the same home is running."""


class StepFailed(RuntimeError):
    """A step ended with an unexpected error; the message names the step."""


@dataclass
class RefreshReport:
    """What a refresh did, step by step."""

    refresh_id: str
    outcome: Exit = Exit.FAILED
    message: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    stale_days: int | None = None  # days since the newest letter arrived, when over the limit

    def summary(self) -> str:
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.seconds.items())
        counts = ", ".join(f"{value} {name}" for name, value in self.counts.items())
        lines = [f"refresh {self.refresh_id}: {self.outcome.name.lower().replace('_', ' ')} (exit {int(self.outcome)})"]
        if counts:
            lines.append(f"  counts: {counts}")
        if steps:
            lines.append(f"  time: {steps}")
        if self.stale_days is not None:
            lines.append(f"  STALE: no new letters for {self.stale_days} days")
        if self.message:
            lines.append(f"  {self.message}")
        return "\n".join(lines)


@contextmanager
def exclusive(home: Path) -> Iterator[None]:
    """Hold the home's refresh lock, or fail at once. The kernel drops it when the process dies;
    workers are spawned and dbt runs with close_fds, so no child keeps it."""
    home.mkdir(parents=True, exist_ok=True)
    lock_path = Home(home).lock
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshBusy(f"another refresh of {home} is running (lock {lock_path})") from None
        yield


def refresh(
    paths: list[Path],
    home: Path,
    stale_after_days: int = 14,
    workers: int | None = None,
    max_file_size: int = MAX_FILE_SIZE,
    postgres: str | None = None,
) -> RefreshReport:
    """One refresh of `home` from `paths`, then of the PostgreSQL copy at URL `postgres` (when
    given) if it holds another build than the served file; raises RefreshBusy when another one
    runs, MissingInput (nothing done) when a path does not exist. A step's failure is the report's
    outcome, with a one-line message naming the step, and the run's record says so."""
    pipeline.check_inputs(paths)
    report = RefreshReport(new_run_id())
    with exclusive(home):
        _record_start(home, report)
        try:
            _run_steps(paths, home, stale_after_days, workers, max_file_size, report)
            if postgres and report.outcome == Exit.PUBLISHED:
                _publish_postgres(home, postgres, report)
        except StepFailed as error:
            report.outcome, report.message = Exit.FAILED, str(error)
        finally:
            try:
                _record_end(home, report)
            except duckdb.Error as error:  # the outcome stands: the next refresh marks this one aborted
                report.message += f" (not recorded in {Home(home).operations}: {one_line(error)})"
    return report


def _run_steps(
    paths: list[Path], home: Path, stale_after_days: int, workers: int | None, max_file_size: int, report: RefreshReport
) -> None:
    with _step(report, "ingest"):
        try:
            ingested = pipeline.ingest(paths, home, workers=workers, max_file_size=max_file_size)
        except (IngestFailed, MissingInput) as error:
            report.outcome, report.message = Exit.INGEST_FAILED, f"ingest: {error}"
            return
        c = ingested.counts
        report.counts.update(
            files_seen=c.files_seen, letters_new=c.loaded, duplicates=c.duplicates, quarantined=c.quarantined + c.known_bad
        )
    report.stale_days = staleness(home, stale_after_days)
    with _step(report, "build"):
        engine = DuckDBEngine(Home(home))
        try:
            built = engine.stage(quiet=True)
        except BuildError as error:
            report.outcome, report.message = Exit.BUILD_FAILED, str(error).splitlines()[0]
            return
        report.counts.update(models_built=built.results["model success"], dbt_tests_passed=built.results["test pass"])
    with _step(report, "validate"):
        from expectations.runner import validate  # Great Expectations is big: not held during the build

        validation = validate(home, database=built.staged, loaded_since=last_published(home))
        write_validation_page(home)  # most worth reading when the build is not published
        report.counts.update(
            expectations_passed=sum(o.success for o in validation.outcomes),
            expectations_critical_failed=len(validation.critical_failures),
            expectations_warnings=len(validation.warnings),
        )
        if not validation.ok:
            failed = "; ".join(
                f"{o.suite}.{o.part}: {o.expectation}({o.column or ''}): {o.observed}" for o in validation.critical_failures[:3]
            )
            report.outcome, report.message = Exit.VALIDATION_FAILED, f"not published: {failed}"
            return
    with _step(report, "publish"):
        engine.publish(built)
        write_report(home)  # the analysts' report follows every publication
    report.outcome = Exit.PUBLISHED


def _publish_postgres(home: Path, url: str, report: RefreshReport) -> None:
    """The PostgreSQL copy brought to the served file's build when it holds another (so a failed
    publication is made good by the next refresh, whatever that one built). Whatever stops it,
    the DuckDB file stays published."""
    from imr.serve.publish import publish_if_behind

    try:
        with _step(report, "postgres"):
            copied = publish_if_behind(home, url)
    except StepFailed as error:
        report.outcome, report.message = Exit.POSTGRES_FAILED, f"published; the PostgreSQL copy is behind: {error}"
        return
    report.counts["postgres_rows"] = sum(copied.values()) if copied is not None else 0


@contextmanager
def _step(report: RefreshReport, name: str) -> Iterator[None]:
    """Time a step; an unexpected error in it becomes StepFailed naming the step, in one line."""
    started = time.perf_counter()
    try:
        yield
    except Exception as error:
        raise StepFailed(f"{name}: {one_line(error)}") from error
    finally:
        report.seconds[name] = time.perf_counter() - started


def staleness(home: Path, stale_after_days: int) -> int | None:
    """Days since the newest letter was loaded, when more than `stale_after_days`."""
    with duckdb.connect(str(Home(home).raw), read_only=True) as con:
        newest = con.execute("select max(loaded_at) from raw.letters").fetchall()[0][0]
    if newest is None:
        return None
    age = (utc_now() - newest).days
    return age if age > stale_after_days else None


_RUNS_SCHEMA = """
create schema if not exists ops;
create table if not exists ops.refresh_runs (
    refresh_id varchar primary key,
    started_at timestamp not null,
    ended_at timestamp,
    outcome varchar not null,
    exit_status integer,
    message varchar,
    counts map(varchar, bigint),
    step_seconds map(varchar, double),
    stale_days integer
);
"""


def last_published(home: Path) -> dt.datetime | None:
    """When the last refresh that published started: rows loaded before it were validated then
    (whether or not the PostgreSQL copy could follow)."""
    with operations.connect(home) as con:
        rows = con.execute("select max(started_at) from ops.refresh_runs where outcome in ('published', 'postgres_failed')").fetchall()
    return rows[0][0]


def _record_start(home: Path, report: RefreshReport) -> None:
    with operations.connect(home) as con:
        con.execute(_RUNS_SCHEMA)
        con.execute("update ops.refresh_runs set outcome = 'aborted' where outcome = 'running'")  # killed ones
        con.execute(
            "insert into ops.refresh_runs (refresh_id, started_at, outcome) values (?, ?, 'running')", [report.refresh_id, utc_now()]
        )


def _record_end(home: Path, report: RefreshReport) -> None:
    with operations.connect(home) as con:
        con.execute(
            "update ops.refresh_runs set ended_at = ?, outcome = ?, exit_status = ?, message = ?, counts = ?, "
            "step_seconds = ?, stale_days = ? where refresh_id = ?",
            [
                utc_now(),
                report.outcome.name.lower(),
                int(report.outcome),
                report.message,
                report.counts,
                report.seconds,
                report.stale_days,
                report.refresh_id,
            ],
        )

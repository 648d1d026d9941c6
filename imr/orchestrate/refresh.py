"""`imr refresh`: ingest, then the build's path (set aside, build, validate, publish), then the
report; one writer of the home at a time.

The served file `$IMR_HOME/imr.duckdb` is replaced only when the build and the critical
expectations passed, by renaming the staged build over it; a refresh killed at any step leaves
the previous served file as it was, and the next refresh starts its build from scratch. Each
refresh is one row of `ops.refresh_runs` in the home's operations database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from imr.home import Home
from imr.orchestrate import operations
from imr.orchestrate.build import Steps, ValidationFailed, build, is_current
from imr.orchestrate.engines import BuildError
from imr.orchestrate.exits import Exit
from imr.orchestrate.lock import exclusive
from imr.serve.report import write_report
from ingest.clock import new_run_id, utc_now
from ingest.extract.files import MAX_FILE_SIZE
from ingest.load import pipeline
from ingest.load.errors import IngestFailed, MissingInput
from ingest.outcomes import one_line


class StepFailed(RuntimeError):
    """A step ended with an unexpected error; the message names the step."""


@dataclass(kw_only=True)
class RefreshReport(Steps):
    """What a refresh did, step by step (`Steps`: seconds per step and counts)."""

    refresh_id: str
    home: Path
    outcome: Exit = Exit.FAILED
    message: str = ""
    stale_days: int | None = None  # days since the newest letter arrived, when over the limit
    unchanged: bool = False  # nothing new to build: the served file was left as it was

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step; an unexpected error in it becomes StepFailed naming the step, in one line
        (a failed build or validation is an outcome, not an unexpected error)."""
        with super().step(name):
            try:
                yield
            except (BuildError, ValidationFailed):
                raise
            except Exception as error:
                raise StepFailed(f"{name}: {one_line(error)}") from error

    def summary(self) -> str:
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.seconds.items())
        counts = ", ".join(f"{value} {name}" for name, value in self.counts.items())
        lines = [f"refresh {self.refresh_id}: {self.outcome_name().replace('_', ' ')} (exit {int(self.outcome)})"]
        if counts:
            lines.append(f"  counts: {counts}")
        if steps:
            lines.append(f"  time: {steps}")
        if self.counts.get("letters_set_aside"):
            lines.append(
                f"  SET ASIDE: {self.counts['letters_set_aside']} letters fail a row-level check and are left out of the marts "
                "(`imr aside list`)"
            )
        if self.stale_days is not None:
            lines.append(f"  STALE: no new letters for {self.stale_days} days")
        paths = Home(self.home)
        lines.append(f"  warehouse: {paths.served}")
        lines.append(f"  report: {paths.report}")
        lines.append(f"  validation: {paths.validation_page}")
        if self.message:  # last: a scheduler's log shows the one line that says what went wrong
            lines.append(f"  {self.message}")
        return "\n".join(lines)

    def outcome_name(self) -> str:
        """The outcome as ops.refresh_runs records it: `unchanged` for a refresh with nothing new."""
        return "unchanged" if self.unchanged and self.outcome == Exit.PUBLISHED else self.outcome.name.lower()


def refresh(
    paths: list[Path],
    home: Path,
    stale_after_days: int = 14,
    workers: int | None = None,
    max_file_size: int = MAX_FILE_SIZE,
    wait: float = 0.0,
    postgres: str | None = None,
) -> RefreshReport:
    """One refresh of `home` from `paths`, then of the PostgreSQL copy at URL `postgres` (when
    given) if it holds another build than the served file. Raises lock.Busy when another command
    writes the home for longer than `wait` seconds, MissingInput (nothing done) when a path does
    not exist. A step's failure is the report's outcome, with a one-line message naming the step,
    and the run's record says so."""
    pipeline.check_inputs(paths)
    report = RefreshReport(refresh_id=new_run_id(), home=home)
    with exclusive(home, "refresh", wait=wait):
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
    with report.step("ingest"):
        try:
            ingested = pipeline.ingest(paths, home, workers=workers, max_file_size=max_file_size)
        except (IngestFailed, MissingInput) as error:
            report.outcome, report.message = Exit.INGEST_FAILED, f"ingest: {error}"
            return
        c = ingested.counts
        report.counts.update(
            files_seen=c.files_seen, letters_new=c.loaded, already_loaded=c.duplicates, quarantined=c.quarantined + c.known_bad
        )
    report.stale_days = staleness(home, stale_after_days)
    with report.step("compare"):
        report.unchanged = is_current(home)
    if report.unchanged:
        if not Home(home).report.exists():
            with report.step("report"):
                write_report(home)
        report.outcome, report.message = Exit.PUBLISHED, "nothing new since the last publication: the served file is as it was"
        return
    try:
        build(home, quiet=True, progress=report)
    except BuildError as error:
        report.outcome, report.message = Exit.BUILD_FAILED, str(error).splitlines()[0]
        return
    except ValidationFailed as error:
        report.outcome, report.message = Exit.VALIDATION_FAILED, str(error)
        return
    with report.step("report"):
        write_report(home)  # the analysts' report follows every publication
    report.outcome = Exit.PUBLISHED


def _publish_postgres(home: Path, url: str, report: RefreshReport) -> None:
    """The PostgreSQL copy brought to the served file's build when it holds another (so a failed
    publication is made good by the next refresh, whatever that one built). Whatever stops it,
    the DuckDB file stays published."""
    from imr.serve.publish import publish_if_behind

    try:
        with report.step("postgres"):
            copied = publish_if_behind(home, url)
    except StepFailed as error:
        report.outcome, report.message = Exit.POSTGRES_FAILED, f"published; the PostgreSQL copy is behind: {error}"
        return
    report.counts["postgres_rows"] = sum(copied.values()) if copied is not None else 0


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
                report.outcome_name(),
                int(report.outcome),
                report.message,
                report.counts,
                report.seconds,
                report.stale_days,
                report.refresh_id,
            ],
        )

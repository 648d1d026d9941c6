"""`imr build`, and the same path after `imr refresh`'s ingest: set aside the letters that fail a
row-level check, build the marts with dbt on an engine (`engines`), validate, publish.

On DuckDB the marts are built into a staged file that replaces the served one only once every
critical expectation passed, so nothing reaches the served file unvalidated. Each publication is
a row of `ops.publications`: the raw rows loaded before it were judged then, and the next build
judges only the rows loaded since (all of them the first time). On Spark the tables are rebuilt
in place, with the letters set aside left out; there is no file to validate before it is served.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from imr.home import Home
from imr.orchestrate import aside, operations
from imr.orchestrate.engines import Build, DuckDBEngine, engine
from imr.orchestrate.fingerprint import fingerprint
from imr.orchestrate.lock import exclusive
from imr.serve.validation import write_validation_page
from ingest.clock import utc_now

_PUBLICATIONS = """
create schema if not exists ops;
create table if not exists ops.publications (
    started_at timestamp not null,
    published_at timestamp not null,
    letters_set_aside integer not null
);
alter table ops.publications add column if not exists fingerprint varchar;
"""


class ValidationFailed(RuntimeError):
    """A critical expectation failed on the staged build; the served file is unchanged."""


@dataclass
class Steps:
    """Seconds per step and counts, filled as a build goes (a refresh's report is one)."""

    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = time.perf_counter() - started


def build(
    home: Path,
    quiet: bool = False,
    target: str = DuckDBEngine.name,
    progress: Steps | None = None,
    wait: float = 0.0,
    lake: str | None = None,
) -> Build:
    """Set aside, build, validate and publish the marts of `home` on the engine `target`, holding
    the home's lock (waiting up to `wait` seconds for it). BuildError when dbt fails,
    ValidationFailed when a critical expectation does; either way nothing is published. From a
    Spark `lake` (`imr ingest --engine spark`) there is no raw database in the home to check, so
    nothing is set aside: the marts build from every row of the lake."""
    progress = progress or Steps()
    chosen = engine(target, Home(home), lake)
    with exclusive(home, "build", wait=wait):
        started, since, held, built_from = utc_now(), None, 0, None
        if lake is None:
            chosen.require_raw()
            since = last_published(home)
            with progress.step("set_aside"):
                held = aside.check(home, loaded_since=since).held
                progress.counts.update(letters_set_aside=held)
            built_from = fingerprint(home)
        with progress.step("build"):
            built = chosen.build(quiet=quiet)
            progress.counts.update(models_built=built.results["model success"], dbt_tests_passed=built.results["test pass"])
        if built.staged is None:
            return built
        with progress.step("validate"):
            from expectations.runner import validate  # Great Expectations is big: not held during the build

            validation = validate(home, database=built.staged, loaded_since=since)
            write_validation_page(home)  # most worth reading when the build is not published
            progress.counts.update(
                expectations_passed=sum(o.success for o in validation.outcomes),
                expectations_critical_failed=len(validation.critical_failures),
                expectations_warnings=len(validation.warnings),
            )
            if not validation.ok:
                failed = "; ".join(
                    f"{o.suite}.{o.part}: {o.expectation}({o.column or ''}): {o.observed}" for o in validation.critical_failures[:3]
                )
                raise ValidationFailed(f"not published: {failed}")
        with progress.step("publish"):
            built.publish()
            _record_publication(home, started, held, built_from)
    return built


def last_published(home: Path) -> dt.datetime | None:
    """When the last build that published began: raw rows loaded before it were judged then."""
    with operations.connect(home) as con:
        con.execute(_PUBLICATIONS)
        return con.execute("select max(started_at) from ops.publications").fetchall()[0][0]


def is_current(home: Path) -> bool:
    """Whether the served file is what a build would make now: it exists, and the last
    publication was built from the same inputs (`fingerprint`)."""
    if not Home(home).served.exists():
        return False
    with operations.connect(home) as con:
        con.execute(_PUBLICATIONS)
        rows = con.execute("select fingerprint from ops.publications order by published_at desc limit 1").fetchall()
    return bool(rows) and rows[0][0] == fingerprint(home)


def _record_publication(home: Path, started: dt.datetime, set_aside: int, built_from: str | None) -> None:
    with operations.connect(home) as con:
        con.execute(
            "insert into ops.publications (started_at, published_at, letters_set_aside, fingerprint) values (?, ?, ?, ?)",
            [started, utc_now(), set_aside, built_from],
        )

"""Run every suite against a warehouse: read-only, results kept.

Results go to the home's operations database (table `ops.expectation_results`, one row per
expectation per run), from which `imr.serve.validation` draws the page people read. Great
Expectations' own Data Docs are not written: they load their styles and scripts from the
internet and show nothing offline.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import great_expectations as gx
import pyarrow as pa

from expectations import marts, raw_items, raw_letters
from expectations.checks import Severity, Suite, severity_of
from expectations.rows import IN_SCOPE
from imr.home import Home
from imr.orchestrate import operations
from imr.quoting import sql_string
from ingest.clock import new_run_id, utc_now
from ingest.load.progress import progress

SUITES: tuple[Suite, ...] = (raw_letters.SUITE, raw_items.SUITE, marts.SUITE)
# DuckDB's share of a validation: it spills past this rather than take 80% of RAM (BENCHMARKS.md).
MEMORY_LIMIT = os.environ.get("IMR_VALIDATE_MEMORY_LIMIT", "1GB")


@dataclass(frozen=True)
class Outcome:
    """One expectation's result."""

    suite: str
    part: str
    expectation: str
    column: str | None
    severity: Severity
    success: bool
    observed: str


@dataclass(frozen=True)
class Report:
    """A validation run: its id and every expectation's outcome."""

    run_id: str
    validated_at: dt.datetime
    outcomes: list[Outcome]

    @property
    def critical_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.critical_failures

    def table(self) -> str:
        """suite, expectations, passed, failed (critical / warning), as aligned text."""
        lines = [f"{'suite':<14}{'expectations':>13}{'passed':>8}{'failed':>8}  severity of failures"]
        for suite in dict.fromkeys(o.suite for o in self.outcomes):
            rows = [o for o in self.outcomes if o.suite == suite]
            failed = [o for o in rows if not o.success]
            kinds = (
                ", ".join(
                    f"{sum(o.severity == s for o in failed)} {s}" for s in ("critical", "warning") if any(o.severity == s for o in failed)
                )
                or "-"
            )
            lines.append(f"{suite:<14}{len(rows):>13}{len(rows) - len(failed):>8}{len(failed):>8}  {kinds}")
        for outcome in self.critical_failures + self.warnings:
            column = f"({outcome.column})" if outcome.column else ""
            lines.append(f"  {outcome.severity.upper()}: {outcome.suite}.{outcome.part}: {outcome.expectation}{column}: {outcome.observed}")
        return "\n".join(lines)


def validate(
    home: Path, database: Path | None = None, suites: tuple[Suite, ...] = SUITES, loaded_since: dt.datetime | None = None
) -> Report:
    """Run the suites on the raw tables of `home` and the marts of `database` (default: the live file).

    The raw suites read the rows of ingest runs started at or after `loaded_since` (all rows when
    None): a refresh checks what it loaded, not again the millions of rows checked before."""
    paths = Home(home)
    database = database or paths.served
    for needed in (paths.raw, database):
        if not needed.exists():
            raise FileNotFoundError(f"{needed}: nothing to validate (run `imr ingest` and `imr build` first)")
    run_id = new_run_id()
    validated_at = utc_now()
    context = _context()
    outcomes: list[Outcome] = []
    with duckdb.connect(str(database), read_only=True, config={"memory_limit": MEMORY_LIMIT}) as con:
        con.execute(f"attach {sql_string(paths.raw)} as ingest (read_only)")
        con.execute(
            "create temp table loads_in_scope as select load_id from ingest.raw.ingest_runs "
            "where cast(? as timestamp) is null or started_at >= ?",
            [loaded_since, loaded_since],
        )
        # Letters set aside (held or released) are judged by the set-aside step, not again here.
        con.execute(f"create temp table set_aside_letters as {_set_aside_letters(con)}")
        for table in ("letters", "items", "citations"):
            con.execute(
                f"create temp view {getattr(IN_SCOPE, table)} as select * from ingest.raw.{table} "
                "where load_id in (select load_id from loads_in_scope) and sha256 not in (select sha256 from set_aside_letters)"
            )
        parts = [(suite, part) for suite in suites for part in suite.parts(con)]
        with progress(len(parts), "part", "validate", quiet=not sys.stderr.isatty()) as bar:
            for suite, part in parts:
                frame = con.sql(part.sql).to_arrow_table().to_pandas(strings_to_categorical=True)
                _drop_cached_pages(con)
                outcomes.extend(_run_part(context, suite.name, part.name, part.expectations, frame, run_id))
                bar.update(1)
    report = Report(run_id, validated_at, outcomes)
    _keep(home, report)
    return report


def _set_aside_letters(con: duckdb.DuckDBPyConnection) -> str:
    """SQL of the hashes of the letters in raw.set_aside (none before a build first made the table)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = 'ingest' and schema_name = 'raw' and table_name = 'set_aside'"
    ).fetchall()[0][0]
    return "select distinct sha256 from ingest.raw.set_aside" if exists else "select cast(null as varchar) as sha256 where false"


def _drop_cached_pages(con: duckdb.DuckDBPyConnection) -> None:
    """Make DuckDB give back the pages it keeps from the query just fetched (up to MEMORY_LIMIT),
    so that Great Expectations works on the frame beside a DuckDB that holds nothing, and the
    next frame is fetched into an empty cache: a lower limit evicts them. Without it, the biggest
    frame (the citations) sat beside the pages of its query at a validation's peak."""
    con.execute("set memory_limit = '32MB'")
    con.execute(f"set memory_limit = {sql_string(MEMORY_LIMIT)}")


def _context() -> gx.data_context.AbstractDataContext:
    """An in-memory context: the results are kept in the home's operations database and page, so
    Great Expectations stores nothing (a project on disk cost a second and a half a validation)."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="great_expectations")
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    return context


def _run_part(
    context: gx.data_context.AbstractDataContext,
    suite: str,
    part: str,
    expectations: list[gx.expectations.Expectation],
    frame: object,
    run_id: str,
) -> list[Outcome]:
    name = f"{suite}.{part}"
    datasource = context.data_sources.add_or_update_pandas(name="imr_warehouse")
    asset = datasource.add_dataframe_asset(name=name)
    batch = asset.add_batch_definition_whole_dataframe("whole table")
    gx_suite = context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))
    definition = context.validation_definitions.add_or_update(gx.ValidationDefinition(name=name, data=batch, suite=gx_suite))
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(name=name, validation_definitions=[definition]))
    result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=gx.core.run_identifier.RunIdentifier(run_name=run_id))
    outcomes = []
    for validation in result.run_results.values():
        for check in validation.results:
            config = check.expectation_config
            assert config is not None  # every result of a checkpoint run names its expectation
            outcomes.append(
                Outcome(
                    suite=suite,
                    part=part,
                    expectation=config.type,
                    column=config.kwargs.get("column"),
                    severity=severity_of(config.meta),
                    success=bool(check.success),
                    observed=_observed(check.result, check.exception_info),
                )
            )
    return outcomes


def _observed(result: dict, exception: dict) -> str:
    if exception and exception.get("raised_exception"):
        return f"error: {exception.get('exception_message')}"
    if "observed_value" in result:
        return str(result["observed_value"])
    if "unexpected_count" in result:
        sample = result.get("partial_unexpected_list") or []
        return f"{result['unexpected_count']} unexpected ({result.get('unexpected_percent') or 0:.2f}%)" + (
            f", e.g. {sample[:3]}" if sample else ""
        )
    return ""


def _keep(home: Path, report: Report) -> None:
    rows = pa.table(
        {
            "run_id": [report.run_id] * len(report.outcomes),
            "validated_at": [report.validated_at] * len(report.outcomes),
            "suite": [o.suite for o in report.outcomes],
            "part": [o.part for o in report.outcomes],
            "expectation": [o.expectation for o in report.outcomes],
            "column_name": [o.column for o in report.outcomes],
            "severity": [o.severity for o in report.outcomes],
            "success": [o.success for o in report.outcomes],
            "observed_value": [o.observed for o in report.outcomes],
        }
    )
    with operations.connect(home) as con:
        con.register("rows", rows)
        con.execute("create schema if not exists ops")
        con.execute("create table if not exists ops.expectation_results as select * from rows limit 0")
        con.execute("insert into ops.expectation_results by name select * from rows")

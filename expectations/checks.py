"""What a suite is: named parts, each a query read into a DataFrame plus the expectations it
must meet, each expectation with a severity (critical fails the refresh, warning is reported)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import great_expectations as gx

from expectations.rows import IN_SCOPE, RowPart

Severity = Literal["critical", "warning"]


def critical(expectation: gx.expectations.Expectation) -> gx.expectations.Expectation:
    expectation.meta = {**(expectation.meta or {}), "severity": "critical"}
    return expectation


def warning(expectation: gx.expectations.Expectation) -> gx.expectations.Expectation:
    expectation.meta = {**(expectation.meta or {}), "severity": "warning"}
    return expectation


def severity_of(meta: dict[str, Any] | None) -> Severity:
    """The severity an expectation's meta names (critical unless it says warning)."""
    return "warning" if (meta or {}).get("severity") == "warning" else "critical"


@dataclass(frozen=True)
class Part:
    """One DataFrame of a suite: the SQL that reads it and the expectations it must meet."""

    name: str
    sql: str
    expectations: list[gx.expectations.Expectation] = field(default_factory=list)


@dataclass(frozen=True)
class Suite:
    """A named suite; `parts` builds its parts from a read-only connection (some expectations
    take their bounds from the data, e.g. the fact table's row count)."""

    name: str
    parts: Callable[[duckdb.DuckDBPyConnection], list[Part]]


def row_part(part: RowPart, *more: gx.expectations.Expectation) -> Part:
    """A part of row-level checks (expectations.rows) as the raw suites run it: the rows in scope
    (set-aside letters left out), every check critical, plus `more` (warnings on the same rows)."""
    return Part(
        name=part.name,
        sql=f"select * exclude (sha256) from ({part.sql(IN_SCOPE)})",
        expectations=[*(critical(check.expectation()) for check in part.checks), *more],
    )

"""Raw letters in scope (every loaded letter, or in a refresh those loaded since the last
publication, less the letters set aside): the row-level checks of letters and their reviewers'
licensure (expectations.rows), and how many letters have a decision date."""

from __future__ import annotations

import datetime as dt

import duckdb
import great_expectations as gx

from expectations.checks import Part, Suite, row_part, warning
from expectations.rows import row_parts


def parts(con: duckdb.DuckDBPyConnection) -> list[Part]:
    rows = row_parts(dt.date.today())
    # The hash's uniqueness is dbt's source test, run by every build.
    return [
        row_part(rows["letters"], warning(gx.expectations.ExpectColumnValuesToNotBeNull(column="decision_date", mostly=0.95))),
        row_part(rows["licensure"]),
    ]


SUITE = Suite(name="raw_letters", parts=parts)

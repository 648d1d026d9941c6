"""Raw items and citations in scope (all, or in a refresh those loaded since the last publication;
none of a letter set aside): their row-level checks (expectations.rows), rationales long enough
to be real, and the MTUS editions cited."""

from __future__ import annotations

import datetime as dt

import duckdb
import great_expectations as gx

from expectations.checks import Part, Suite, row_part, warning
from expectations.rows import IN_SCOPE, row_parts

# MTUS editions letters cite: the 2004 ACOEM chapters, 2007 (elbow, acupuncture), 2009
# (chronic pain, postsurgical), 2016 (opioids; chronic pain as letters write it), 2017+ ACOEM.
MTUS_YEARS = [
    "2004",
    "2007",
    "2008",
    "2009",
    "2011",
    "2014",
    "2016",
    "2017",
    "2018",
    "2019",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
]


def parts(con: duckdb.DuckDBPyConnection) -> list[Part]:
    rows = row_parts(dt.date.today())
    items = row_part(rows["items"], warning(gx.expectations.ExpectColumnValuesToBeBetween(column="rationale_length", min_value=20)))
    citations = row_part(rows["citations"])
    mtus = Part(
        name="mtus_citations",
        sql=f"select year from {IN_SCOPE.citations} where source = 'MTUS'",
        expectations=[warning(gx.expectations.ExpectColumnValuesToBeInSet(column="year", value_set=MTUS_YEARS))],
    )
    return [items, citations, mtus]


SUITE = Suite(name="raw_items", parts=parts)

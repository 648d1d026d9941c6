"""Raw items and citations in scope (all, or in a refresh those loaded since the last publication):
decisions, treatments, citation sources, families and MTUS editions."""

from __future__ import annotations

import duckdb
import great_expectations as gx

from expectations.checks import Part, Suite, critical, warning

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
    # Lengths rather than texts: the frames stay small at millions of rows. The (letter, ordinal)
    # key's uniqueness is dbt's test of stg_imr__items, run by every build.
    items = Part(
        name="items",
        sql="select decision, length(treatment) as treatment_length, length(rationale) as rationale_length from items_in_scope",
        expectations=[
            critical(gx.expectations.ExpectColumnValuesToBeInSet(column="decision", value_set=["upheld", "overturned"])),
            critical(gx.expectations.ExpectColumnValuesToNotBeNull(column="treatment_length")),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="treatment_length", min_value=1)),
            warning(gx.expectations.ExpectColumnValuesToBeBetween(column="rationale_length", min_value=20)),
        ],
    )
    citations = Part(
        name="citations",
        sql="select source, family, length(title) as title_length, party from citations_in_scope",
        expectations=[
            critical(gx.expectations.ExpectColumnValuesToBeInSet(column="source", value_set=["MTUS", "NON_MTUS"])),
            critical(gx.expectations.ExpectColumnValuesToBeInSet(column="family", value_set=["MTUS", "ODG", "ACOEM", "OTHER"])),
            critical(gx.expectations.ExpectColumnValuesToBeInSet(column="party", value_set=["claims_administrator", "reviewer"])),
            critical(gx.expectations.ExpectColumnValuesToNotBeNull(column="title_length")),
        ],
    )
    mtus = Part(
        name="mtus_citations",
        sql="select year from citations_in_scope where source = 'MTUS'",
        expectations=[warning(gx.expectations.ExpectColumnValuesToBeInSet(column="year", value_set=MTUS_YEARS))],
    )
    return [items, citations, mtus]


SUITE = Suite(name="raw_items", parts=parts)

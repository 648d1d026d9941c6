"""Raw letters: identity, dates, patient, reviewer, items and text of the letters in scope (every
loaded letter, or in a refresh those loaded since the last publication)."""

from __future__ import annotations

import datetime as dt

import duckdb
import great_expectations as gx

from expectations.checks import Part, Suite, critical, warning
from ingest.parse.states import USPS

FIRST_DECISION = dt.date(2013, 1, 1)  # IMR began with injuries from 2013


def parts(con: duckdb.DuckDBPyConnection) -> list[Part]:
    today = dt.date.today()
    letters = Part(
        name="letters",
        # Items are counted over all raw items, not those in scope: a reparse replaces a letter's
        # items under its own load id. Grouped first, then joined: a correlated count was a join of
        # every item to every letter.
        sql="""
            with item_counts as (
                select sha256, count(*) as item_count
                from ingest.raw.items
                where sha256 in (select sha256 from letters_in_scope)
                group by sha256
            )
            select
                l.case_number, l.decision_date, l.date_of_injury, l.patient_age, l.patient_sex,
                length(l.full_text) as text_length,
                coalesce(c.item_count, 0) as item_count
            from letters_in_scope l
            left join item_counts c on c.sha256 = l.sha256
        """,
        # The hash's uniqueness is dbt's source test, run by every build.
        expectations=[
            critical(gx.expectations.ExpectColumnValuesToMatchRegex(column="case_number", regex=r"^CM\d{2}-\d{7}$")),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="decision_date", min_value=FIRST_DECISION, max_value=today)),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="date_of_injury", max_value=today)),
            critical(
                gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="decision_date", column_B="date_of_injury", or_equal=True, ignore_row_if="either_value_is_missing"
                )
            ),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="patient_age", min_value=14, max_value=100)),
            critical(gx.expectations.ExpectColumnValuesToBeInSet(column="patient_sex", value_set=["female", "male"])),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="item_count", min_value=1)),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="text_length", min_value=1)),
            warning(gx.expectations.ExpectColumnValuesToNotBeNull(column="decision_date", mostly=0.95)),
        ],
    )
    licensure = Part(
        name="licensure",
        sql="select unnest(reviewer_licensure) as state_code from letters_in_scope",
        expectations=[
            critical(gx.expectations.ExpectColumnValuesToBeInSet(column="state_code", value_set=sorted(set(USPS.values())))),
        ],
    )
    return [letters, licensure]


SUITE = Suite(name="raw_letters", parts=parts)

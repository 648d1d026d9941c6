"""Row-level checks, defined once: what each letter, item and citation must satisfy to reach the marts.

A check is a reason name, the Great Expectations expectation that states it, and the same rule
as an SQL predicate over the rows. Before every build `imr.orchestrate.aside` sets aside each
letter with a row failing a check (kept in raw, left out of the marts, listed with its reason);
the raw suites then validate the other letters with the same expectations. So a letter GE would
fail is exactly one the set-aside step took out, and GE judges what remains.

Light on purpose (no Great Expectations until an expectation is asked for): the set-aside step
and `imr aside` read the predicates only.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from imr.quoting import sql_string
from ingest.parse.states import USPS

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

FIRST_DECISION = dt.date(2013, 1, 1)  # IMR began with injuries from 2013


def _gx() -> Any:
    """Great Expectations, imported when an expectation is built: it takes seconds to import."""
    import great_expectations as gx

    return gx


def _literal(value: object) -> str:
    if isinstance(value, dt.date):
        return f"date {sql_string(value.isoformat())}"
    if isinstance(value, int):
        return str(value)
    return sql_string(str(value))


class RowCheck(ABC):
    """One rule a row must meet. `passes` is true for the rows GE accepts: like GE's column-map
    expectations, a rule on a value lets a missing value pass (NotNull excepted)."""

    reason: str

    @abstractmethod
    def passes(self) -> str:
        """SQL: true when the row meets the rule (never null)."""

    @abstractmethod
    def columns(self) -> tuple[str, ...]:
        """The columns the rule reads, shown with their values when a letter is set aside."""

    @abstractmethod
    def rule(self) -> str:
        """The rule in words."""

    @abstractmethod
    def expectation(self) -> Expectation:
        """The rule as a Great Expectations expectation."""


@dataclass(frozen=True)
class Between(RowCheck):
    reason: str
    column: str
    min_value: int | dt.date | None = None
    max_value: int | dt.date | None = None

    def passes(self) -> str:
        bounds = [f"{self.column} >= {_literal(self.min_value)}" if self.min_value is not None else ""]
        bounds.append(f"{self.column} <= {_literal(self.max_value)}" if self.max_value is not None else "")
        return f"({self.column} is null or ({' and '.join(bound for bound in bounds if bound)}))"

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def rule(self) -> str:
        low = f"at least {self.min_value}" if self.min_value is not None else ""
        high = f"at most {self.max_value}" if self.max_value is not None else ""
        return f"{self.column} {' and '.join(part for part in (low, high) if part)}"

    def expectation(self) -> Expectation:
        return _gx().expectations.ExpectColumnValuesToBeBetween(column=self.column, min_value=self.min_value, max_value=self.max_value)


@dataclass(frozen=True)
class InSet(RowCheck):
    reason: str
    column: str
    values: tuple[str, ...]

    def passes(self) -> str:
        return f"({self.column} is null or {self.column} in ({', '.join(map(_literal, self.values))}))"

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def rule(self) -> str:
        return f"{self.column} one of {', '.join(self.values)}"

    def expectation(self) -> Expectation:
        return _gx().expectations.ExpectColumnValuesToBeInSet(column=self.column, value_set=list(self.values))


@dataclass(frozen=True)
class Matches(RowCheck):
    """A regular expression found in the value (GE's pandas rule: a search, so anchor it)."""

    reason: str
    column: str
    regex: str

    def passes(self) -> str:
        return f"({self.column} is null or regexp_matches({self.column}, {_literal(self.regex)}))"

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def rule(self) -> str:
        return f"{self.column} matches {self.regex}"

    def expectation(self) -> Expectation:
        return _gx().expectations.ExpectColumnValuesToMatchRegex(column=self.column, regex=self.regex)


@dataclass(frozen=True)
class NotNull(RowCheck):
    reason: str
    column: str

    def passes(self) -> str:
        return f"({self.column} is not null)"

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def rule(self) -> str:
        return f"{self.column} present"

    def expectation(self) -> Expectation:
        return _gx().expectations.ExpectColumnValuesToNotBeNull(column=self.column)


@dataclass(frozen=True)
class NotBefore(RowCheck):
    """`later` on or after `earlier`, when both are known."""

    reason: str
    later: str
    earlier: str

    def passes(self) -> str:
        return f"({self.later} is null or {self.earlier} is null or {self.later} >= {self.earlier})"

    def columns(self) -> tuple[str, ...]:
        return (self.earlier, self.later)

    def rule(self) -> str:
        return f"{self.earlier} on or before {self.later}"

    def expectation(self) -> Expectation:
        return _gx().expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=self.later, column_B=self.earlier, or_equal=True, ignore_row_if="either_value_is_missing"
        )


@dataclass(frozen=True)
class Relations:
    """The relations a part's SQL reads: the letters, items and citations it judges, and every
    item of the warehouse (a letter's items are counted over all of them)."""

    letters: str
    items: str
    citations: str
    all_items: str


# What the raw suites judge: views the runner makes over the attached raw database (expectations.runner).
IN_SCOPE = Relations("letters_in_scope", "items_in_scope", "citations_in_scope", "ingest.raw.items")


@dataclass(frozen=True)
class RowPart:
    """Rows of one kind, each with its letter's `sha256`, and the checks they must meet."""

    name: str
    template: str  # SQL over the Relations' names: {letters}, {items}, {citations}, {all_items}
    checks: tuple[RowCheck, ...]

    def sql(self, relations: Relations) -> str:
        return self.template.format(**asdict(relations))


def row_parts(today: dt.date) -> dict[str, RowPart]:
    """Every row-level check by part (letters, licensure, items, citations); dates are judged against `today`."""
    parts = [
        RowPart(
            "letters",
            # Items are counted over all raw items, not those in scope: a reparse replaces a letter's
            # items under its own load id. Grouped first, then joined: a correlated count was a join
            # of every item to every letter.
            """
            with item_counts as (
                select sha256, count(*) as item_count
                from {all_items}
                where sha256 in (select sha256 from {letters})
                group by sha256
            )
            select
                l.sha256, l.case_number, l.decision_date, l.date_of_injury, l.patient_age, l.patient_sex,
                length(l.full_text) as text_length,
                coalesce(c.item_count, 0) as item_count
            from {letters} l
            left join item_counts c on c.sha256 = l.sha256
            """,
            (
                Matches("case_number_malformed", "case_number", r"^CM\d{2}-\d{7}$"),
                Between("decision_date_out_of_range", "decision_date", FIRST_DECISION, today),
                Between("injury_date_in_future", "date_of_injury", max_value=today),
                NotBefore("injury_after_decision", later="decision_date", earlier="date_of_injury"),
                Between("patient_age_out_of_range", "patient_age", 14, 100),
                InSet("patient_sex_unknown", "patient_sex", ("female", "male")),
                Between("no_items", "item_count", min_value=1),
                Between("no_text", "text_length", min_value=1),
            ),
        ),
        RowPart(
            "licensure",
            "select sha256, unnest(reviewer_licensure) as state_code from {letters}",
            (InSet("licensure_unknown_state", "state_code", tuple(sorted(set(USPS.values())))),),
        ),
        RowPart(
            "items",
            # Lengths rather than texts: the frames stay small at millions of rows. The (letter,
            # ordinal) key's uniqueness is dbt's test of stg_imr__items, run by every build.
            "select sha256, decision, length(treatment) as treatment_length, length(rationale) as rationale_length from {items}",
            (
                InSet("item_decision_unknown", "decision", ("upheld", "overturned")),
                NotNull("item_treatment_missing", "treatment_length"),
                Between("item_treatment_empty", "treatment_length", min_value=1),
            ),
        ),
        RowPart(
            "citations",
            "select sha256, source, family, length(title) as title_length, party from {citations}",
            (
                InSet("citation_source_unknown", "source", ("MTUS", "NON_MTUS")),
                InSet("citation_family_unknown", "family", ("MTUS", "ODG", "ACOEM", "OTHER")),
                InSet("citation_party_unknown", "party", ("claims_administrator", "reviewer")),
                NotNull("citation_title_missing", "title_length"),
            ),
        ),
    ]
    return {part.name: part for part in parts}

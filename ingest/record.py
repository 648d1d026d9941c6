"""The letter record: the contract between the parser, the raw tables and every quality check
(`shared/contract/letter-record.md`), written once as types.

The parser returns a `LetterRecord`; `imr parse` prints it as JSON; the raw tables' columns,
their Arrow types and their DDL are derived from these classes (`ingest.load.schema`), so a new
field is added here and nowhere else in Python.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypedDict


class CalendarDate:
    """Marks a string that holds a calendar date as the contract writes it (ISO 8601, "2016-10-13"):
    the raw tables store it as DATE."""


IsoDate = Annotated[str, CalendarDate]

Decision = Literal["upheld", "overturned"]
Determination = Literal["upheld", "overturned", "partially overturned"]
Party = Literal["claims_administrator", "reviewer"]


class Citation(TypedDict):
    """One guideline a side cited: a "Decision based on ..." sentence, or one chapter of it."""

    source: str  # "MTUS" or "NON_MTUS"
    family: str  # "MTUS", "ODG", "ACOEM" or "OTHER"
    title: str
    year: str | None
    sections: str | None
    text: str


class Item(TypedDict):
    """One disputed item or service and IMR's decision on it."""

    ordinal: int
    treatment: str
    original_request: str | None
    decision: Decision
    claims_administrator_citations: list[Citation]
    reviewer_citations: list[Citation]
    rationale: str


class LetterRecord(TypedDict):
    """One letter, as `imr parse` prints it."""

    source_file: str | None
    sha256: str | None
    case_number: str | None
    decision_date: IsoDate | None
    date_assigned: IsoDate | None
    date_of_injury: IsoDate | None
    ur_denial_date: IsoDate | None
    application_received: IsoDate | None
    priority: str | None
    reviewer_licensure: list[str]
    reviewer_specialties: list[str]
    patient_age: int | None
    patient_sex: str | None
    diagnoses: list[str]
    determination: Determination
    items: list[Item]


# Each side's citations of an item, by the `party` the citations table names them with.
CITATION_LISTS: dict[Party, Literal["claims_administrator_citations", "reviewer_citations"]] = {
    "claims_administrator": "claims_administrator_citations",
    "reviewer": "reviewer_citations",
}

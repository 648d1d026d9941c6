"""A letter's text to its record: the sections found, each read, the record assembled."""

from __future__ import annotations

import re

from ingest.parse.header import parse_header
from ingest.parse.items import parse_items
from ingest.parse.layouts import find_sections
from ingest.parse.states import to_usps
from ingest.parse.summary import diagnoses, injury_date, patient_age, patient_sex, ur_date
from ingest.parse.text import collapse, split_lines
from ingest.record import LetterRecord

# Both labels are found by their "(": starting with that literal lets the regex engine skip ahead
# to it, where a case-blind "State" or "Certification" was tried at every position of the section;
# the lookbehind then checks the word before it.
_LICENSURE = re.compile(
    r"\((?<=State\()s\)\s+of\s+Licensure\s*:(?P<value>.*?)(?=Certification\(s\)/Specialty\s*:|$)", re.IGNORECASE | re.DOTALL
)
# "California,North Carolina", "Texas, Ohio and California", "Iowa; Utah", "Ohio & Texas".
_STATE_SEPARATOR = re.compile(r"\s*(?:,|;|/|&|\band\b)\s*")
_SPECIALTY = re.compile(r"\((?<=Certification\()s\)/Specialty\s*:(?P<value>.*)$", re.IGNORECASE | re.DOTALL)


def parse_letter(text: str, source_file: str | None = None, sha256: str | None = None) -> LetterRecord:
    """The contract record of one letter; raises ParseError naming why it cannot be read."""
    lines = split_lines(text)
    sections = find_sections(lines)
    items = parse_items(sections.decisions)

    header = parse_header(sections.header)
    summary = "\n".join(sections.summary)
    reviewer = collapse(" ".join(sections.reviewer))
    decisions = {item["decision"] for item in items}
    return {
        "source_file": source_file,
        "sha256": sha256,
        "case_number": header["case_number"],
        "decision_date": header["decision_date"],
        "date_assigned": header["date_assigned"],
        "date_of_injury": header["date_of_injury"] or injury_date(summary),
        "ur_denial_date": header["ur_denial_date"] or ur_date(summary + "\n" + "\n".join(sections.decisions)),
        "application_received": header["application_received"],
        "priority": header["priority"],
        "reviewer_licensure": _licensure(reviewer),
        "reviewer_specialties": _specialties(reviewer),
        "patient_age": patient_age(summary),
        "patient_sex": patient_sex(summary),
        "diagnoses": diagnoses(summary),
        "determination": decisions.pop() if len(decisions) == 1 else "partially overturned",
        "items": items,
    }


def _licensure(reviewer: str) -> list[str]:
    match = _LICENSURE.search(reviewer)
    if match is None:
        return []
    codes = [to_usps(name) for name in _STATE_SEPARATOR.split(match.group("value"))]
    return [code for code in codes if code]


def _specialties(reviewer: str) -> list[str]:
    match = _SPECIALTY.search(reviewer)
    if match is None:
        return []
    return [part.strip() for part in match.group("value").split(",") if part.strip()]

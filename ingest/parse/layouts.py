"""Which kind of letter a text is, told by its headings, and where its sections start."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.parse.errors import ParseError


@dataclass(frozen=True)
class Layout:
    """A letter layout: the upper-case headings that identify it, in the order they appear."""

    name: str
    reviewer: str
    summary: str
    decisions: str


# 2014-2018 Final Determination Letters (the corpus, and the seed letter without its header).
FINAL_DETERMINATION = Layout(
    name="final-determination",
    reviewer="HOW THE IMR FINAL DETERMINATION WAS MADE",
    summary="CLINICAL CASE SUMMARY",
    decisions="IMR ISSUES, DECISIONS AND RATIONALES",
)
# 2013-2014 letters that list the documents reviewed before the summary.
DOCUMENTS_REVIEWED = Layout(
    name="documents-reviewed",
    reviewer="HOW THE IMR FINAL DETERMINATION WAS MADE",
    summary="CLINICAL CASE SUMMARY",
    decisions="IMR DECISION(S) AND RATIONALE(S)",
)
LAYOUTS = (FINAL_DETERMINATION, DOCUMENTS_REVIEWED)

# Layouts we know by name but cannot read yet: an error that says so beats a half record.
_KNOWN_UNSUPPORTED = {
    "notice-of-imr-determination": re.compile(
        r"Notice\s+of\s+Independent\s+Medical\s+Review\s+Determination|MEDICAL\s+PROFESSIONAL\s+REVIEW",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Sections:
    """Line ranges of one letter: [header, reviewer, summary, decisions]."""

    layout: Layout
    header: list[str]
    reviewer: list[str]
    summary: list[str]
    decisions: list[str]


def find_sections(lines: list[str]) -> Sections:
    """Split a letter into its sections, or say why it is not a readable letter."""
    headings = _headings(lines)
    for layout in LAYOUTS:
        marks = [headings.get(heading) for heading in (layout.reviewer, layout.summary, layout.decisions)]
        if marks[2] is None:
            continue
        if marks[1] is None or not marks[1] < marks[2]:
            raise ParseError("not_a_letter", f"{layout.name} letter without a case summary before its decisions")
        reviewer = marks[0] if marks[0] is not None and marks[0] < marks[1] else marks[1]
        return Sections(
            layout=layout,
            header=lines[:reviewer],
            reviewer=lines[reviewer + 1 : marks[1]],
            summary=lines[marks[1] + 1 : marks[2]],
            decisions=lines[marks[2] + 1 :],
        )
    if not any(lines):
        raise ParseError("empty", "empty document: no text")
    if any(layout.reviewer in headings or layout.summary in headings for layout in LAYOUTS):
        raise ParseError("truncated", "letter ends before its decisions section (truncated?)")
    opening = "\n".join(lines[:80])
    for name, pattern in _KNOWN_UNSUPPORTED.items():
        if pattern.search(opening):
            raise ParseError("unsupported_layout", f"layout '{name}' is recognised but not supported by this parser version")
    raise ParseError("not_a_letter", "not an IMR Final Determination Letter: none of the known section headings found")


def _headings(lines: list[str]) -> dict[str, int]:
    """The first line number of every upper-case line, by its text with whitespace collapsed."""
    found: dict[str, int] = {}
    for number, line in enumerate(lines):
        if line and len(line) < 80 and line.isupper():
            found.setdefault(" ".join(line.split()), number)
    return found

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
# The headings a letter has once each, grouped by the section they open (layouts name the
# decisions section differently): any group met twice means a second letter.
_SECTION_HEADINGS = [sorted({getattr(layout, section) for layout in LAYOUTS}) for section in ("reviewer", "summary", "decisions")]
_CASE_NUMBER = re.compile(r"CM\d{2}-\d{7}")

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
    """Split a letter into its sections, or say why it is not one readable letter."""
    headings = _headings(lines)
    for layout in LAYOUTS:
        marks = [headings[heading][0] if heading in headings else None for heading in (layout.reviewer, layout.summary, layout.decisions)]
        if marks[2] is None:
            continue
        if marks[1] is None or not marks[1] < marks[2]:
            raise ParseError("not_a_letter", f"{layout.name} letter without a case summary before its decisions")
        _refuse_several(lines, headings)
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


def _headings(lines: list[str]) -> dict[str, list[int]]:
    """The line numbers of every upper-case line, by its text with whitespace collapsed."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        if line and len(line) < 80 and line.isupper():
            found.setdefault(" ".join(line.split()), []).append(number)
    return found


def _refuse_several(lines: list[str], headings: dict[str, list[int]]) -> None:
    """Refuse a text that holds more than one letter (a section heading met again): the same
    letter over again is `repeated_letter`, others `several_letters`. Read as one, either would
    put every letter's items under the first one's case."""
    sections = [sorted(number for heading in group for number in headings.get(heading, [])) for group in _SECTION_HEADINGS]
    letters = max(len(numbers) for numbers in sections)
    if letters < 2:
        return
    cases = list(dict.fromkeys(_CASE_NUMBER.findall("\n".join(lines))))
    named = f" ({'case' if len(cases) == 1 else 'cases'} {', '.join(cases[:3])}{', ...' if len(cases) > 3 else ''})" if cases else ""
    starts = min((numbers for numbers in sections if numbers), key=lambda numbers: numbers[0])
    if len(starts) == letters and _copies(lines, starts):
        raise ParseError("repeated_letter", f"the same letter {letters} times in one file{named}")
    raise ParseError("several_letters", f"{letters} letters in one file{named}; give each its own file")


def _copies(lines: list[str], starts: list[int]) -> bool:
    """Whether the text is one letter over and over: cut at every start of its first section,
    each piece but the last is the last piece followed by what preceded the first cut (the header).
    Blank lines do not count: page breaks between copies may add some."""
    head = [line for line in lines[: starts[0]] if line]
    pieces = [[line for line in lines[start:end] if line] for start, end in zip(starts, starts[1:] + [len(lines)])]
    whole = pieces[-1] + head
    return all(piece == whole for piece in pieces[:-1])

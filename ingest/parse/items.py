"""The disputed items of a letter: "<treatment>: Upheld|Overturned", then the guideline
paragraphs and the decision rationale, item after item.

Works on lines, because the only reliable edge between one item's rationale and the next item's
name is a line start: the name begins after the last line that closes a sentence (or after a
blank line, which pdftotext prints and pypdfium2 does not).

The field markers are what a letter cannot lose without the text being broken, so they carry the
structure: every run of field paragraphs is one item, named by the heading above it. An item is
read whole or the letter is refused with the reason (`docs/parser.md`), never read in part.
"""

from __future__ import annotations

import re

from ingest.parse.citations import parse_citations
from ingest.parse.errors import ParseError
from ingest.parse.text import collapse
from ingest.record import Decision, Item

_CA = "Claims Administrator guideline:"
_REVIEWER = "MAXIMUS guideline:"
_RATIONALE = "Decision rationale:"
# An item's fields, in the order they must come; its rationale closes it.
_MARKERS = (_CA, _REVIEWER, _RATIONALE)
_CLOSED = _MARKERS.index(_RATIONALE)
# The intro sentence ends "... set forth below:". (The lookbehind sits after the literal ":" so the
# regex engine can skip ahead to colons, where a case-blind "set" was tried at every position.)
_INTRO = re.compile(r":(?<=set forth below:)\s*", re.IGNORECASE)
_DECISIONS: dict[str, Decision] = {"upheld": "upheld", "overturned": "overturned"}
_DECISION_WORDS = tuple(_DECISIONS)
# A line that closes a sentence: the previous rationale ends there. Not ':', which item names
# wrap on ("..., DOS:" / "11/11/2016: Upheld").
_CLOSES = re.compile(r"[.!?][\"'\u201d)\]]*$")
# pypdfium2 or a careless join can glue the next item's name to the last sentence: "necessary.Norco".
# (The lookbehind sits after the literal "." so the regex engine can skip ahead to periods.)
_GLUED = re.compile(r"\.(?<=[a-z]{2}\.)(?=[A-Z][a-z])")
# "X was the original request. ...": searched for from its leading whitespace, which the regex
# engine skips ahead to, rather than matched with a lazy X that tried the rest at every character.
_MODIFIED = re.compile(r"\s+was\s+the\s+original\s+request\.\s*", re.IGNORECASE)
_REMAINING = re.compile(
    r"(?P<portion>remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+)?original\s+request,\s*(?P<treatment>.+?)(?:,?\s+is)?$",
    re.IGNORECASE,
)
# Lines that may end an item name, checked with str.endswith: the cheap test before _decision().
_DECISION_ENDINGS = tuple(
    word + stop for word in ("Upheld", "Overturned", "UPHELD", "OVERTURNED", "upheld", "overturned") for stop in ("", ".")
)
# The most words a decision takes after its ':' ("Partially Overturned", "Upheld in part"): more
# is the end of a sentence, not a decision.
_LONGEST_VERDICT = 3
_ORIGINAL_MENTION = re.compile(r"original\s+request", re.IGNORECASE)
_WAS_ORIGINAL = re.compile(r"was\s+the\s+original\s+request", re.IGNORECASE)


def parse_items(section: list[str]) -> list[Item]:
    """Items of the decisions section, given as normalised lines (heading excluded)."""
    lines, candidates = _split_markers(section)
    names = _item_names(lines)
    if not names:
        raise ParseError("no_items", "no disputed items found (no '<item>: Upheld|Overturned' line)")
    # A heading with no fields after it would otherwise vanish into the rationale above it.
    ends = {end for _, end in names}
    stray = next((i for i in candidates if i not in ends and _is_heading(lines, i)), None)
    if stray is not None:
        raise ParseError("missing_rationale", f"{lines[stray]!r} reads as an item heading but no guideline or rationale follows it")
    bounds = [start for start, _ in names[1:]] + [len(lines)]
    return [
        _item(ordinal, lines[start : end + 1], lines[end + 1 : bound])
        for ordinal, ((start, end), bound) in enumerate(zip(names, bounds), start=1)
    ]


def _item_names(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line of every item's name: the heading above each run of field paragraphs.

    A run is the guidelines then the rationale, each at most once, in that order. Raises when a
    run has no heading ending in a known decision, or when an item's fields stop before its
    rationale (another heading, a field out of order, or the end of the text).
    """
    names: list[tuple[int, int]] = []
    last_field = _CLOSED
    for index, line in enumerate(lines):
        if not line.startswith(_MARKERS):
            continue
        field = next(rank for rank, marker in enumerate(_MARKERS) if line.startswith(marker))
        above = _line_above(lines, index)
        if last_field != _CLOSED:
            if _is_heading(lines, above):
                raise _no_rationale(lines, names, f"the next item ({lines[above]!r})")
            if field <= last_field:
                raise _no_rationale(lines, names, f"a second {_MARKERS[field]!r}")
        else:
            floor = names[-1][1] + 1 if names else 0
            if not _is_heading(lines, above):
                raise _heading_fault(lines, above, floor, len(names) + 1)
            names.append((_header_start(lines, above, floor), above))
        last_field = field
    if last_field != _CLOSED:
        raise ParseError(
            "truncated", f"item {len(names)} ({_name(lines, names[-1])!r}) has no decision rationale: the letter looks truncated"
        )
    return names


def _no_rationale(lines: list[str], names: list[tuple[int, int]], before: str) -> ParseError:
    return ParseError("missing_rationale", f"item {len(names)} ({_name(lines, names[-1])!r}) has no decision rationale before {before}")


def _line_above(lines: list[str], index: int) -> int:
    """Number of the last non-blank line before `index`, or -1."""
    above = index - 1
    while above >= 0 and not lines[above]:
        above -= 1
    return above


def _heading_fault(lines: list[str], above: int, floor: int, ordinal: int) -> ParseError:
    """Why the line above an item's first field does not head an item: it names one with an
    unknown or missing decision, or there is no name at all (the previous rationale's last sentence,
    the intro, another field)."""
    if above < floor or lines[above].startswith(_MARKERS) or _INTRO.search(lines[above]):
        return ParseError("orphan_field", f"item {ordinal}'s guideline or rationale has no item heading above it")
    heading = collapse(" ".join(lines[_header_start(lines, above, floor) : above + 1]))
    name, colon, word = heading.rpartition(":")
    if colon and len(word.split()) <= _LONGEST_VERDICT:
        if word.strip():
            return ParseError(
                "unknown_decision", f"item {ordinal} ({name.strip()!r}) is decided {word.strip()!r}, not Upheld or Overturned"
            )
        return ParseError("unknown_decision", f"item {ordinal} ({name.strip()!r}) has no decision (Upheld or Overturned)")
    if _CLOSES.search(lines[above]):
        return ParseError("orphan_field", f"item {ordinal}'s guideline or rationale has no item heading above it (after {lines[above]!r})")
    return ParseError("unknown_decision", f"item {ordinal} ({heading!r}) has no decision (Upheld or Overturned)")


def _name(lines: list[str], name: tuple[int, int]) -> str:
    """An item's name as its heading writes it, without the decision: for error messages."""
    heading = collapse(" ".join(lines[name[0] : name[1] + 1]))
    parts = _decision(heading)
    return parts[0].removesuffix(":").rstrip() if parts else heading


def _split_markers(section: list[str]) -> tuple[list[str], list[int]]:
    """One field marker per line start; the intro sentence and a glued item name on lines of their own.
    Also the numbers of the lines that end in a decision word, the candidate item names.

    Whole-text string operations rather than a loop over lines: this runs at ingest rate.
    """
    text = "\n".join(section)
    text = _INTRO.sub(lambda m: m.group(0).rstrip() + "\n", text, count=1)
    for marker in _MARKERS:
        text = text.replace(marker, "\n" + marker)
    lines = [line.strip() for line in text.split("\n")]
    candidates = _ending_in_decision(lines)
    unglued = False
    for index in reversed(candidates):
        glued = list(_GLUED.finditer(lines[index]))
        if glued:
            cut = glued[-1].end()
            lines[index : index + 1] = [lines[index][:cut], lines[index][cut:]]
            unglued = True
    return lines, _ending_in_decision(lines) if unglued else candidates


def _ending_in_decision(lines: list[str]) -> list[int]:
    """Numbers of the lines that end in one of _DECISION_ENDINGS."""
    # Last-character pre-check: cheaper than endswith() with twelve endings, and two
    # thirds of the lines end in another character.
    return [i for i, line in enumerate(lines) if line[-1:] in "dD." and line.endswith(_DECISION_ENDINGS)]


def _decision(line: str) -> tuple[str, str] | None:
    """(name, decision word) of a line ending in "Upheld" or "Overturned" (any case, maybe a period)
    as a word of its own; the name is the text before it, trailing whitespace dropped.

    String methods rather than a regex: the answer is at the line end, where a regex would get
    only after trying every start, and this runs three times per item.
    """
    end = len(line) - 1 if line.endswith(".") else len(line)
    for word in _DECISION_WORDS:
        start = end - len(word)
        if start >= 0 and line[start:end].lower() == word:
            if start and (line[start - 1].isalnum() or line[start - 1] == "_"):
                return None  # glued to the word before ("reUpheld"), as a regex \b would refuse
            return line[:start].rstrip(), line[start:end]
    return None


def _is_heading(lines: list[str], index: int) -> bool:
    """Whether line `index` ends an item's name: "<name>: <decision>", or a bare decision word
    under a line ending in ':'. A field paragraph's line never does."""
    if index < 0 or lines[index].startswith(_MARKERS):
        return False
    parts = _decision(lines[index])
    if parts is None:
        return False
    head = parts[0]
    if head:
        return head.endswith(":")
    return index > 0 and lines[index - 1].endswith(":")


def _header_start(lines: list[str], index: int, floor: int) -> int:
    """First line of the item name that ends on line `index`."""
    # A bare "Upheld" line: the name ends on the line above, the one ending in ':'.
    parts = _decision(lines[index])
    start = index - 1 if parts is not None and not parts[0] else index
    while start > floor:
        above = lines[start - 1]
        if not above or above.startswith(_MARKERS) or _INTRO.search(above):
            break
        if _CLOSES.search(above) and not _needs_more(lines[start : index + 1]):
            break
        start -= 1
    return start


def _needs_more(header_lines: list[str]) -> bool:
    """A modified-UR name is incomplete until it reaches "X was the original request."."""
    text = " ".join(header_lines)
    return bool(_ORIGINAL_MENTION.search(text)) and not _WAS_ORIGINAL.search(text)


def _item(ordinal: int, header_lines: list[str], body_lines: list[str]) -> Item:
    header = collapse(" ".join(header_lines))
    parts = _decision(header)
    assert parts is not None  # header_lines end with the decision line
    head, decision = parts
    name = head.removesuffix(":").rstrip()
    treatment, original = _treatment(name)
    fields = _fields(collapse(" ".join(body_lines)))  # _item_names saw its rationale
    return Item(
        ordinal=ordinal,
        treatment=treatment,
        original_request=original,
        decision=_DECISIONS[decision.lower()],
        claims_administrator_citations=parse_citations(fields.get(_CA, "")),
        reviewer_citations=parse_citations(fields.get(_REVIEWER, "")),
        rationale=fields[_RATIONALE].strip(),
    )


def _fields(body: str) -> dict[str, str]:
    """The text after each field marker (in their fixed order), up to the next one, by marker."""
    starts: list[tuple[int, str]] = []
    position = 0
    for marker in _MARKERS:
        found = body.find(marker, position)
        if found >= 0:
            starts.append((found, marker))
            position = found + len(marker)
    ends = [found for found, _ in starts[1:]] + [len(body)]
    return {marker: body[found + len(marker) : end] for (found, marker), end in zip(starts, ends)}


def _treatment(name: str) -> tuple[str, str | None]:
    """(treatment IMR decided, original request) from an item name.

    "X was the original request. Y was authorized ... The remaining IMR eligible portion of the
    original request, Z is" decides Z of original request X; "... The original request, X is"
    decides X itself, as the letter writes it there.
    """
    modified = _MODIFIED.search(name, 1)  # X is at least one character
    if modified is None:
        return name, None
    original = name[: modified.start()].strip()
    remaining = _REMAINING.search(name[modified.end() :])
    if remaining is None:
        return original, original
    treatment = remaining.group("treatment").strip()
    return treatment, original if remaining.group("portion") else treatment

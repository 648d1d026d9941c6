"""The disputed items of a letter: "<treatment>: Upheld|Overturned", then the guideline
paragraphs and the decision rationale, item after item.

Works on lines, because the only reliable edge between one item's rationale and the next item's
name is a line start: the name begins after the last line that closes a sentence (or after a
blank line, which pdftotext prints and pypdfium2 does not).
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
_MARKERS = (_CA, _REVIEWER, _RATIONALE)
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
_ORIGINAL_MENTION = re.compile(r"original\s+request", re.IGNORECASE)
_WAS_ORIGINAL = re.compile(r"was\s+the\s+original\s+request", re.IGNORECASE)


def parse_items(section: list[str]) -> list[Item]:
    """Items of the decisions section, given as normalised lines (heading excluded)."""
    lines, candidates = _split_markers(section)
    decisions = [i for i in candidates if _is_decision(lines, i)]
    if not decisions:
        raise ParseError("no_items", "no disputed items found (no '<item>: Upheld|Overturned' line)")
    starts = []
    floor = 0
    for index in decisions:
        starts.append(_header_start(lines, index, floor))
        floor = index + 1
    items = []
    bounds = starts[1:] + [len(lines)]
    for ordinal, (start, index, end) in enumerate(zip(starts, decisions, bounds), start=1):
        items.append(_item(ordinal, lines[start : index + 1], lines[index + 1 : end]))
    return items


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


def _is_decision(lines: list[str], index: int) -> bool:
    parts = _decision(lines[index])
    if parts is None:
        return False
    head = parts[0]
    if head:
        if not head.endswith(":"):
            return False
    elif index == 0 or not lines[index - 1].endswith(":"):
        return False
    following = next((line for line in lines[index + 1 :] if line), "")
    return following.startswith(_MARKERS)


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
    fields = _fields(collapse(" ".join(body_lines)))
    if _RATIONALE not in fields:
        raise ParseError("truncated", f"item {ordinal} ({treatment!r}) has no decision rationale: the letter looks truncated")
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

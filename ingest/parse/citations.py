"""Guideline paragraphs ("Claims Administrator guideline: ...") to citation records.

One citation per "Decision based on ..." sentence; an MTUS sentence naming several chapters
("... Elbow Complaints 2007, Section(s): 326, and Chronic Pain Medical Treatment 2016, ...")
gives one citation per chapter. Sentences that are not citations ("did not cite any medical
evidence", "based their decision on recommendation(s) outside of the MTUS") give nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.parse.text import collapse
from ingest.record import Citation

_SENTENCE = "Decision based on "  # paragraphs arrive whitespace-collapsed
# A reviewer's own remark after the last citation is not part of it.
_REMARK = re.compile(r"\.\s+The\s+(?:Claims\s+Administrator|Expert\s+Reviewer)\b.*$", re.DOTALL)
_NON_MTUS = re.compile(r"Non[-\s]?MTUS(?:\s+Citations?)?\s*:?\s*", re.IGNORECASE)
_MTUS = re.compile(r"MTUS\s*:?\s*", re.IGNORECASE)
# A chapter is written as its name, then its edition year, sometimes then "Guidelines".
_CHAPTER = re.compile(
    r"(?P<title>[A-Z][^.;]*?)\s+(?P<year>(?:19|20)\d{2})(?:\s+Guidelines?)?"
    r"(?:\s*,?\s*Section\(s\)\s*:\s*(?P<sections>.*?))?"
    r"\s*(?:,\s*|\s+)?(?=,?\s*and\s+[A-Z][^.;]*?\s(?:19|20)\d{2}\b(?:\s+Guidelines?)?\s*(?:[,.]|$)|\.?\s*$)",
    re.DOTALL,
)
_NEXT_CHAPTER = re.compile(r"\s*,?\s*and\s+")
_FAMILIES = (
    # ODG is published by the Work Loss Data Institute; ACOEM's guidelines are titled
    # "Occupational Medicine Practice Guidelines".
    ("ODG", re.compile(r"Official\s+Disability\s+Guidelines?|\bODG\b|Work\s+Loss\s+Data\s+Institute", re.IGNORECASE)),
    (
        "ACOEM",
        re.compile(r"\bACOEM\b|American\s+College\s+of\s+Occupational|Occupational\s+Medicine\s+Practice\s+Guidelines", re.IGNORECASE),
    ),
)


def parse_citations(paragraph: str) -> list[Citation]:
    """Every citation in one guideline paragraph, in the order written (fresh dicts every call)."""
    return [Citation(**citation) for citation in _parse_paragraph(paragraph)]


@lru_cache(maxsize=8192)
def _parse_paragraph(paragraph: str) -> tuple[Citation, ...]:
    """Guideline paragraphs repeat across letters (a few hundred MTUS sentences): parse each once.

    Keyed on the paragraph as given, so a repeat skips collapsing its whitespace too."""
    text = collapse(paragraph)
    starts = []
    found = text.find(_SENTENCE)
    while found >= 0:
        starts.append(found)
        found = text.find(_SENTENCE, found + len(_SENTENCE))
    citations: list[Citation] = []
    for start, end in zip(starts, starts[1:] + [len(text)]):
        sentence = text[start:end].strip()
        if " The " in sentence:
            sentence = _REMARK.sub(".", sentence)
        citations.extend(_sentence_citations(sentence))
    return tuple(citations)


def _sentence_citations(sentence: str) -> list[Citation]:
    body = sentence[len(_SENTENCE) :]
    non_mtus = _NON_MTUS.match(body)
    if non_mtus:
        title = _strip_period(body[non_mtus.end() :])
        return [Citation(source="NON_MTUS", family=_family(title), title=title, year=None, sections=None, text=sentence)]
    mtus = _MTUS.match(body)
    if mtus is None:
        title = _strip_period(body)
        return [Citation(source="NON_MTUS", family=_family(title), title=title, year=None, sections=None, text=sentence)]
    return [
        Citation(source="MTUS", family="MTUS", title=title, year=year, sections=sections, text=sentence)
        for title, year, sections in _mtus_chapters(body[mtus.end() :])
    ]


def _mtus_chapters(rest: str) -> list[tuple[str, str | None, str | None]]:
    """(title, year, sections) for each chapter named in the text after "MTUS"."""
    chapters: list[tuple[str, str | None, str | None]] = []
    position = 0
    while position < len(rest):
        match = _CHAPTER.match(rest, position)
        if match is None:
            # No edition year: keep the chapter as written rather than drop the citation.
            chapters.append((_strip_period(rest[position:]), None, None))
            break
        sections = match.group("sections")
        sections = _strip_period(sections) if sections else None
        chapters.append((match.group("title").strip(" ,"), match.group("year"), sections or None))
        position = match.end()
        following = _NEXT_CHAPTER.match(rest, position)
        if following is None:
            break
        position = following.end()
    return chapters


def _family(title: str) -> str:
    hits = [(m.start(), name) for name, pattern in _FAMILIES if (m := pattern.search(title))]
    return min(hits)[1] if hits else "OTHER"


def _strip_period(text: str) -> str:
    text = text.strip()
    return text[:-1].rstrip() if text.endswith(".") else text

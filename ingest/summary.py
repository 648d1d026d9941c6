"""Facts from the clinical case summary: the patient's age and sex, diagnoses, and the dates a
letter without a header block gives only in prose."""

from __future__ import annotations

import re

from ingest.dates import DATE, DATE_RE, to_iso
from ingest.text import collapse

_AGE = re.compile(r"\b(\d{1,3})\s*-?\s*(?:(?:year|yr)s?\s*-?\s*old\b|y/o\b|yo\b)", re.IGNORECASE)
# The lookaheads below name the first characters a match can start with: they reject most
# positions at once, where trying every alternative there made these searches slow.
_SEX = re.compile(r"\b(?=[fmwgl])(female|male|woman|man|gentleman|lady)\b", re.IGNORECASE)
_SEX_WORDS = {"female": "female", "woman": "female", "lady": "female",
              "male": "male", "man": "male", "gentleman": "male"}
_INJURY = re.compile(
    rf"(?:injur(?:y|ies)|occupational\s+claim|claim)\b[^.]{{0,60}}?(?P<date>{DATE})", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.]*(?:\.(?=\s|$)|$)")
_UR = re.compile(r"\b(?:UR|utilization\s+review)\b", re.IGNORECASE)

_DIAGNOSIS = re.compile(
    r"(?=[dbutf])(?:diagnos(?:is|es)\b[^.:]{0,40}?\b(?:(?:(?:are|is|was|were)\s+)?(?:noted|documented)\s+(?:to\s+include|as)"
    r"|include[sd]?|of|are|is|was|were)(?:\s+documented)?(?:\s+as)?"
    r"|diagnosed\s+(?:as\s+having|with|as)"
    r"|(?:being\s+treated|undergoing\s+treatments?|treated)\s+for(?:\s+the\s+diagnos[ie]s\s+of)?"
    r"|filed\s+a\s+claim\s+for)"
    r"\s*:?\s*(?P<list>[^.]+?)(?:\s+reportedly\s+associated\b[^.]*)?(?:\.(?=\s|$)|$)",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)
# Split on commas, semicolons and "and", but not inside "right and left" or "and/or".
_DIAGNOSIS_SPLIT = re.compile(
    r"(?=[\s;,])\s*(?:;|,\s*and\s+|,\s*|(?<!\bright)(?<!\bleft)(?<!\bbilateral)\s+and\s+(?!or\b))\s*",
    re.IGNORECASE,
)
# ICD-style qualifiers that belong to the diagnosis before them ("..., subsequent encounter").
_QUALIFIER = re.compile(
    r"^(?:(?:initial|subsequent)\s+encounter.*|sequela|(?:[\w-]+\s+){0,2}region|unspecified\s+side"
    r"|(?:right|left|bilateral)(?:\s+(?:side|shoulder|knee|hip|wrist|hand|ankle|foot|elbow|arm|leg)s?)?)$",
    re.IGNORECASE,
)


def patient_age(summary: str) -> int | None:
    """Age from "a 63 year old" or "a now 36-year-old"."""
    match = _AGE.search(summary)
    if match is None:
        return None
    age = int(match.group(1))
    return age if 0 < age < 120 else None


def patient_sex(summary: str) -> str | None:
    """Sex as the summary states it; None when it only says "the injured worker"."""
    match = _SEX.search(summary)
    return _SEX_WORDS[match.group(1).lower()] if match else None


def injury_date(summary: str) -> str | None:
    """Date of injury from prose ("sustained an industrial injury on 8-13-13")."""
    match = _INJURY.search(collapse(summary))
    return to_iso(match.group("date")) if match else None


def ur_date(body: str) -> str | None:
    """Date of the utilization review from prose ("Per the UR dated 11/18/14")."""
    for sentence in _SENTENCE.findall(collapse(body)):
        if _UR.search(sentence):
            for found in DATE_RE.finditer(sentence):
                iso = to_iso(found.group(0))
                if iso:
                    return iso
    return None


def diagnoses(summary: str) -> list[str]:
    """Best effort: the items of the summary's first diagnosis sentence."""
    match = _DIAGNOSIS.search(collapse(summary))
    if match is None:
        return []
    found: list[str] = []
    for part in _DIAGNOSIS_SPLIT.split(match.group("list")):
        part = _ARTICLE.sub("", part.strip(" :;\"'[]"))
        if found and _QUALIFIER.match(part):
            found[-1] = f"{found[-1]}, {part}"
        elif part:
            found.append(part)
    return found

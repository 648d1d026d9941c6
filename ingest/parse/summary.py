"""Facts from the clinical case summary: the patient's age and sex, diagnoses, and the dates a
letter without a header block gives only in prose."""

from __future__ import annotations

import re

from ingest.parse.dates import DATE, DATE_RE, to_iso
from ingest.parse.text import collapse

_AGE = re.compile(r"\b(\d{1,3})\s*-?\s*(?:(?:year|yr)s?\s*-?\s*old\b|y/o\b|yo\b)", re.IGNORECASE)
# The lookaheads below name the first characters a match can start with: they reject most
# positions at once, where trying every alternative there made these searches slow.
_SEX = re.compile(r"\b(?=[fmwgl])(female|male|woman|man|gentleman|lady)\b", re.IGNORECASE)
_SEX_WORDS = {"female": "female", "woman": "female", "lady": "female", "male": "male", "man": "male", "gentleman": "male"}
_INJURY = re.compile(rf"(?:injur(?:y|ies)|occupational\s+claim|claim)\b[^.]{{0,60}}?(?P<date>{DATE})", re.IGNORECASE)
# A sentence ends at a full stop followed by a space, the end, or the next sentence's capitalised
# word right behind it, as letters sometimes print it ("... infection.The progress").
_STOP = r"\.(?=\s|$|[A-Z][a-z])"
_SENTENCE = re.compile(rf"[^.]*(?:{_STOP}|$)")
_UR = re.compile(r"\b(?:UR|utilization\s+review)\b", re.IGNORECASE)

# What follows a diagnosis phrase: the list, up to the sentence's end, without "reportedly
# associated with ..." after it.
_LIST = rf"\s*:?\s*(?P<list>[^.]+?)(?:\s+reportedly\s+associated\b[^.]*)?(?:{_STOP}|$)"
# The sentence that lists the diagnoses. "filed a claim for ..." names the complaint, not a
# diagnosis: it is read only when no other sentence lists any.
_DIAGNOSIS = re.compile(
    r"(?=[dbut])(?:diagnos(?:is|es)\b[^.:]{0,40}?\b(?:(?:(?:are|is|was|were)\s+)?(?:noted|documented)\s+(?:to\s+include|as)"
    r"|include[sd]?|of|are|is|was|were)(?:\s+documented)?(?:\s+(?:as|is)\b)?"
    r"|diagnosed\s+(?:as\s+having|with|as)"
    r"|(?:being\s+treated|undergoing\s+treatments?|treated)\s+for(?:\s+the\s+diagnos[ie]s\s+of)?)" + _LIST,
    re.IGNORECASE,
)
_CLAIM = re.compile(r"filed\s+a\s+claim\s+for" + _LIST, re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:(?:an?|the|and|or)\s+)+", re.IGNORECASE)
# Within a semicolon-separated part: split on commas and "and" (the separator is kept, to join
# pieces back as written), but not inside "right and left", "and/or" or "sprain(s) and strain(s)".
_DIAGNOSIS_SPLIT = re.compile(
    r"(?=[\s,])(,\s*and\s+|,\s*|(?<!\bright)(?<!\bleft)(?<!\bbilateral)(?<!\bmedial)(?<![sS][pt]rain)(?<![sS][pt]rains)"
    r"\s+and\s+(?!or\b)|(?:(?<=[sS][pt]rain)|(?<=[sS][pt]rains))\s+and\s+(?!(?:or|s[pt]rains?)\b))",
    re.IGNORECASE,
)
# ICD-style qualifiers that belong to the diagnosis before them ("..., subsequent encounter").
_QUALIFIER = re.compile(
    r"^(?:(?:initial|subsequent)\s+encounter.*|sequela|(?:[\w-]+\s+){0,2}region|unspecified(?:\s+side)?)$",
    re.IGNORECASE,
)
# A piece made only of these words names where, not what ("fascia", "left ankle", "ligaments of
# other parts of neck"): it belongs to a neighbouring piece, as in "strain of muscle, fascia and
# tendon at neck level" or "neck and back pain".
_PLACE_WORDS = frozenset(
    {
        "neck",
        "back",
        "low",
        "lower",
        "mid",
        "middle",
        "upper",
        "thoracic",
        "cervical",
        "lumbar",
        "lumbosacral",
        "sacral",
        "sacroiliac",
        "spine",
        "spinal",
        "pelvis",
        "pelvic",
        "hip",
        "hips",
        "knee",
        "knees",
        "ankle",
        "ankles",
        "foot",
        "feet",
        "heel",
        "toe",
        "toes",
        "hand",
        "hands",
        "wrist",
        "wrists",
        "finger",
        "fingers",
        "thumb",
        "elbow",
        "elbows",
        "arm",
        "arms",
        "forearm",
        "leg",
        "legs",
        "thigh",
        "thighs",
        "buttock",
        "buttocks",
        "shoulder",
        "shoulders",
        "head",
        "face",
        "scalp",
        "jaw",
        "chest",
        "abdomen",
        "groin",
        "rib",
        "ribs",
        "wall",
        "thorax",
        "girdle",
        "limb",
        "limbs",
        "extremity",
        "extremities",
        "joint",
        "joints",
        "ligament",
        "ligaments",
        "muscle",
        "muscles",
        "fascia",
        "tendon",
        "tendons",
        "level",
        "region",
        "side",
        "sided",
        "part",
        "parts",
        "site",
        "right",
        "left",
        "bilateral",
        "medial",
        "lateral",
        "other",
        "unspecified",
        "specified",
        "multiple",
        "of",
        "the",
        "at",
        "in",
        "to",
        "and",
        "or",
        "initial",
        "subsequent",
        "encounter",
        "sequela",
    }
)
# Words that qualify a place without naming a condition ("persistent left sided neck and shoulder
# pain", "rule out cervical and lumbar spine herniated nucleus pulposus"): with them a piece still
# names only where.
_PLACE_QUALIFIERS = frozenset({"acute", "chronic", "persistent", "severe", "rule", "out", "possible"})
_WHERE_WORDS = _PLACE_WORDS | _PLACE_QUALIFIERS
_WORD = re.compile(r"[a-z]+")
# A piece naming a place right after a condition ("contusion of face", "strain in right hip"):
# the places that follow it continue its list.
_LISTS_PLACES = re.compile(r"\b(?:of|to|in|at|on)\b", re.IGNORECASE)
# "injury" alone after "right knee contusion and": the same diagnosis, not a new one.
_LONE_CONDITION = frozenset({"injury", "injuries", "pain", "strain", "sprain", "contusion"})


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
    return to_iso(match.group("date"), "date_of_injury") if match else None


def ur_date(body: str) -> str | None:
    """Date of the utilization review from prose ("Per the UR dated 11/18/14"): the first date of
    the first sentence naming the UR that has one."""
    for sentence in _SENTENCE.findall(collapse(body)):
        if _UR.search(sentence):
            found = DATE_RE.search(sentence)
            if found:
                return to_iso(found.group(0), "ur_denial_date")
    return None


def diagnoses(summary: str) -> list[str]:
    """Best effort: the items of the summary's diagnosis sentence, split on semicolons, then on
    commas and "and" where the pieces are diagnoses of their own."""
    text = collapse(summary)
    match = _DIAGNOSIS.search(text) or _CLAIM.search(text)
    if match is None:
        return []
    found: list[str] = []
    for part in match.group("list").split(";"):
        found.extend(_part_diagnoses(part))
    return found


def _part_diagnoses(part: str) -> list[str]:
    """The diagnoses of one semicolon-separated part: pieces between commas and "and", joined
    back (with the separator as written) where a piece names only a place or is a qualifier."""
    pieces = _DIAGNOSIS_SPLIT.split(part.strip(" :;\"'[]"))
    found: list[str] = []
    pending = ""  # places waiting for the condition that follows them ("neck and" + "back pain")
    separator_before = ""  # the separator before this piece (or before the pending places it joins)
    for index in range(0, len(pieces), 2):
        if not pending:
            separator_before = pieces[index - 1] if index else ""
        piece = pending + pieces[index].strip(" \"'[]")
        pending = ""
        if not piece:
            continue
        last = index == len(pieces) - 1
        words = _WORD.findall(piece.lower())
        place = bool(words) and all(word in _WHERE_WORDS for word in words)
        if found and (
            _QUALIFIER.match(piece)
            or (place and (last or _LISTS_PLACES.search(found[-1])))
            or (piece.lower() in _LONE_CONDITION and " " not in piece)
        ):
            found[-1] += separator_before + piece
        elif place and not last:
            pending = piece + pieces[index + 1]
        else:
            found.append(piece)
    return [cleaned for piece in found if (cleaned := _ARTICLE.sub("", piece).strip())]

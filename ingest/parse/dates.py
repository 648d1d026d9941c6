"""Dates as letters write them (8-13-13, 10/13/2016, 10/14/ 2016, October 13, 2016) to ISO."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ingest.parse.errors import ParseError

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(form for name in sorted(_MONTHS, key=len, reverse=True) for form in (name.capitalize(), name.upper()))

# Numeric dates may carry a stray space after a separator where a line wrapped ("10/14/ 2016").
# Patterns start with a plain character class (the digit boundary is checked after it), so the
# regex engine can skip ahead instead of trying every position: the header parser runs per letter.
NUMERIC_DATE = r"\d(?<!\d\d)\d?\s?[-/]\s?\d{1,2}\s?[-/]\s?(?:\d{4}|\d{2})(?!\d)"
WORDED_DATE = rf"(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}(?!\d)"
DATE = rf"(?:{NUMERIC_DATE}|{WORDED_DATE})"
DATE_RE = re.compile(DATE)

_NUMERIC_PARTS = re.compile(r"(\d{1,2})\s?[-/]\s?(\d{1,2})\s?[-/]\s?(\d{4}|\d{2})")
_WORDED_PARTS = re.compile(rf"({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")

# Two-digit years: injuries reach back decades, letters never reach the future.
_PIVOT = 40


@lru_cache(maxsize=4096)
def to_iso(text: str, field: str) -> str | None:
    """The ISO form of the first date in `text`, or None when it holds no date; the date of the
    letter's `field`. A date that names no calendar day (02/30/2017, 13/01/2016) raises `bad_date`:
    read as no date, it would load as a blank (or let the next date take its field).

    Cached: the same few dates (a decision day, a UR date) recur across thousands of letters."""
    match = DATE_RE.search(text)
    if not match:
        return None
    found = match.group(0)
    numeric = _NUMERIC_PARTS.fullmatch(found)
    if numeric:
        month, day, year = (int(part) for part in numeric.groups())
        if year < 100:
            year += 2000 if year < _PIVOT else 1900
    else:
        worded = _WORDED_PARTS.fullmatch(found)
        assert worded is not None  # DATE_RE matches one form or the other
        month, day, year = _MONTHS[worded.group(1).lower()], int(worded.group(2)), int(worded.group(3))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise ParseError("bad_date", f"{field} {found!r} is not a calendar date") from None

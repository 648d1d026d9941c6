"""The header table (case number, dates, priority) in any of the orders extractors give it.

pdftotext -layout keeps the two columns side by side, plain pdftotext lists every label of a
column before its values, and pypdfium2 interleaves them. Reading the block as a stream of
labels and values, and giving each value to the oldest waiting label of its kind, reads all
three the same way.
"""

from __future__ import annotations

import re

from ingest.parse.dates import to_iso
from ingest.parse.errors import ParseError

FIELDS = ("case_number", "date_assigned", "decision_date", "priority", "date_of_injury", "ur_denial_date", "application_received")

_LABELS = {
    "case_number": r"Case\s+Number\s*:",
    "date_assigned": r"Date\s+Assigned\s*:",
    "decision_date": r"Decision\s+Date\s*:",
    "priority": r"Priority\s*:",
    "date_of_injury": r"Date\s+of\s+Injury\s*:",
    "ur_denial_date": r"UR\s+Denial\s+Date\s*:",
    # The label wraps: "Application" on one line, "Received:" on the next, maybe after the value.
    "application_received": r"Application(?:\s+Received)?\s*:?",
    "received": r"Received\s*:",
}
_VALUES = {
    "case_value": r"CM\d{2}-\d{7}",
    # Loose on purpose (cheap to scan); to_iso() decides whether it is a date.
    "date_value": r"\d{1,2}\s?[-/]\s?\d{1,2}\s?[-/]\s?\d{2,4}|[A-Z][A-Za-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}",
    "priority_value": r"(?:Standard|STANDARD|Expedited|EXPEDITED)\b",
}
# The kind of value each label waits for: a date unless said otherwise.
_VALUE_KIND = dict.fromkeys(_LABELS, "date_value") | {"case_number": "case_value", "priority": "priority_value"}
# Every token starts with a capital or a digit: the lookahead rejects other positions at once.
_TOKEN = re.compile("(?=[A-Z0-9])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in {**_LABELS, **_VALUES}.items()) + ")")


def parse_header(lines: list[str]) -> dict[str, str | None]:
    """Header fields found in `lines` (the text above the first heading); absent ones are None."""
    found: dict[str, str | None] = dict.fromkeys(FIELDS)
    waiting: list[str] = []
    for line in lines:
        previous_was_label = False
        for token in _TOKEN.finditer(line):
            name = token.lastgroup
            if name is None or name == "received":
                continue
            if name in _LABELS:
                if previous_was_label and waiting:
                    # Two labels side by side on one line: the first one has no value.
                    waiting.pop()
                waiting.append(name)
                previous_was_label = True
                continue
            label = next((label for label in waiting if _VALUE_KIND[label] == name), None)
            value = _value(name, token.group(0), label)
            if value is None:
                continue
            previous_was_label = False
            if label is not None:
                waiting.remove(label)
                found[label] = value
    return found


def _value(kind: str, text: str, label: str | None) -> str | None:
    """The value of a token, for the label waiting for it (if any)."""
    if kind == "case_value":
        return text.upper()
    if kind == "priority_value":
        return text.capitalize()
    field = label or "header date"
    iso = to_iso(text, field)
    if iso is None and text[0].isdigit():
        # Numbers in a date's place that are no date ("10/13/201"): skipping them would hand the
        # label the next date in the table, another field's.
        raise ParseError("bad_date", f"{field} {text!r} is not a calendar date")
    return iso

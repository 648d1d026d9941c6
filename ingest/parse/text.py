"""Normalise letter text so every extractor's output reads the same to the parser.

pdftotext (with or without -layout), pypdfium2 and hand-made .txt files differ in line
endings, page breaks, padding and a few code points; the parser should never see those.
Plain string methods first, regexes only where needed: this runs once per letter at ingest rate.
"""

from __future__ import annotations

import re

# pypdfium2 reports a PDF's hyphen glyph at a line end as U+FFFE where poppler gives "-".
_CHAR_FIXES = {"\ufffe": "-", "\u00ad": "-", "\u2010": "-", "\u2011": "-", "\u00a0": " ", "\v": "\n", "\u2028": "\n", "\u2029": "\n"}
# A line that ends in a hyphen continues the word on the next line ("x-" / "ray" is "x-ray"):
# pypdfium2 joins such lines itself, pdftotext keeps the break.
# (The lookbehind sits after the literal "-" so the regex engine can skip ahead to hyphens.)
_HYPHEN_WRAP = re.compile(r"-(?<=\w-)[ \t]*\n[ \t]*(?=\w)")


def split_lines(text: str) -> list[str]:
    """Lines of `text` with any line ending or page break, stripped of padding, hyphen wraps joined."""
    for char, replacement in _CHAR_FIXES.items():
        if char in text:
            text = text.replace(char, replacement)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        # A page break is a line break, not a paragraph gap: names and sentences run across pages.
        text = text.replace("\n\f", "\f").replace("\f\n", "\f").replace("\f", "\n")
    if "-" in text:
        text = _HYPHEN_WRAP.sub("-", text)
    return [line.strip() for line in text.split("\n")]


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces, ends trimmed (line wraps joined)."""
    return " ".join(text.split())

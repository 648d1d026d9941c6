"""Normalise letter text so every extractor's output reads the same to the parser.

pdftotext (with or without -layout), pypdfium2 and hand-made .txt files differ in line
endings, page breaks, padding and a few code points; the parser should never see those.
"""

from __future__ import annotations

import re

# pypdfium2 reports a PDF's hyphen glyph as U+FFFE where poppler gives "-".
_CHAR_FIXES = str.maketrans({"\ufffe": "-", "\u00ad": "-", "\u2010": "-", "\u2011": "-", "\u00a0": " "})
# A page break is a line break, not a paragraph gap: names and sentences run across pages.
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)?[ \t]*\f[ \t]*(?:\r\n|\r|\n)?|\r\n|\r|\n|\v|\u2028|\u2029")
_SPACES = re.compile(r"\s+")


# A line that ends in a hyphen continues the word on the next line ("x-" / "ray" is "x-ray"):
# pypdfium2 joins such lines itself, pdftotext keeps the break.
_HYPHEN_WRAP = re.compile(r"(?<=\w-)[ \t]*\n[ \t]*(?=\w)")


def split_lines(text: str) -> list[str]:
    """Lines of `text` with any line ending or page break, stripped of padding, hyphen wraps joined."""
    unified = _LINE_BREAKS.sub("\n", text.translate(_CHAR_FIXES))
    return [line.strip() for line in _HYPHEN_WRAP.sub("", unified).split("\n")]


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces, ends trimmed (line wraps joined)."""
    return _SPACES.sub(" ", text).strip()

"""A synthetic letter's text drawn as a real PDF (reportlab), laid out like the real letters:
the header as a two-column table, headings centred, body lines as written."""

from __future__ import annotations

import io
import re

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

_HEADINGS = {"HOW THE IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY", "IMR ISSUES, DECISIONS AND RATIONALES"}
_HEADER_CELL = re.compile(r"(\S+(?: \S+)*)")
_LEFT, _TOP, _LINE, _BOTTOM = 54, 740, 13, 60
# Header cells: label and value columns of the left and right halves of the table.
_COLUMNS = (54, 150, 330, 430)


def letter_pdf(text: str) -> bytes:
    """The PDF bytes of a synthetic letter's text."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1)
    canvas.setTitle("SYNTHETIC IMR letter")
    lines = text.splitlines()
    body_start = lines.index("HOW THE IMR FINAL DETERMINATION WAS MADE")
    y = _TOP
    for line in lines[:body_start]:
        for column, cell in zip(_header_columns(line), _HEADER_CELL.findall(line)):
            canvas.setFont("Helvetica", 10)
            canvas.drawString(column, y, cell)
        y -= _LINE
    for line in lines[body_start:]:
        if y < _BOTTOM:
            canvas.showPage()
            y = _TOP
        if line in _HEADINGS:
            canvas.setFont("Helvetica-Bold", 10)
            canvas.drawCentredString(letter[0] / 2, y, line)
        elif line:
            canvas.setFont("Helvetica", 10)
            canvas.drawString(_LEFT, y, line)
        y -= _LINE
    canvas.save()
    return buffer.getvalue()


def _header_columns(line: str) -> tuple[int, ...]:
    """Where each cell of a header text line goes: cells are separated by runs of spaces."""
    if line.startswith(" "):
        return (_COLUMNS[2],)  # the wrapped "Received:" under "Application"
    return _COLUMNS

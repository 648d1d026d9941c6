"""PDF bytes to text through pdfium's C API (pypdfium2.raw). The corpus is AES-encrypted with
an empty user password, which pdfium opens as is."""

from __future__ import annotations

import codecs
import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c
from pypdfium2.internal import ErrorToStr

from ingest.extract.errors import ExtractError

# A page with fewer characters than this carries no text layer (a scan), not a sentence.
_MIN_TEXT_CHARS = 20


def pdf_text(data: bytes) -> str:
    """All pages' text, pages separated by a form feed on its own line.

    Through pdfium's C API (pypdfium2.raw) rather than pypdfium2's page and text-page objects,
    whose weak-reference bookkeeping costs more than the extraction of a short letter.
    The text is the same as pypdfium2's get_text_range() (tests compare them on the real letters).
    """
    if not data.startswith(b"%PDF"):
        raise ExtractError("corrupt_pdf", "not a PDF: the file does not start with %PDF")
    document = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)  # reads `data` in place: keep it alive
    try:
        count = pdfium_c.FPDF_GetPageCount(document) if document else 0
        if count < 1:
            error = pdfium_c.FPDF_GetLastError()
            if error == pdfium_c.FPDF_ERR_PASSWORD:
                raise ExtractError("password_protected", "PDF needs a password to open")
            raise ExtractError("corrupt_pdf", f"PDF cannot be opened (PDFium: {ErrorToStr.get(error)})")
        pages = [_page_text(document, index) for index in range(count)]
    finally:
        if document:
            pdfium_c.FPDF_CloseDocument(document)
    text = "\n\f\n".join(pages)
    if len(text.strip()) < _MIN_TEXT_CHARS * max(1, len(pages)) // 4:
        raise ExtractError("no_text_layer", f"PDF has no text layer ({len(pages)} page(s), scanned?)")
    return text


def _page_text(document: Any, index: int) -> str:
    """One page's text, as pypdfium2's get_text_range() reads it: from the first to the last char
    that pdfium puts in the text (it reads past a range that ends on an excluded char)."""
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise ExtractError("corrupt_pdf", f"PDF page {index + 1} cannot be read")
    textpage = pdfium_c.FPDFText_LoadPage(page)
    try:
        if not textpage:
            raise ExtractError("corrupt_pdf", f"PDF page {index + 1} has no readable text page")
        first, last = 0, pdfium_c.FPDFText_CountChars(textpage) - 1
        while first <= last and (text_first := pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first)) == -1:
            first += 1
        while first <= last and (text_last := pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last)) == -1:
            last -= 1
        if first > last:
            return ""
        buffer = (ctypes.c_ushort * (text_last - text_first + 2))()  # with the NUL
        written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
        return codecs.decode(memoryview(buffer)[: max(written - 1, 0)], "utf-16-le", errors="ignore")
    finally:
        if textpage:
            pdfium_c.FPDFText_ClosePage(textpage)
        pdfium_c.FPDF_ClosePage(page)

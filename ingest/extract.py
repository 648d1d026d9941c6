"""File bytes to text. Knows files and bytes, nothing of letters.

PDFs go through pypdfium2 (the corpus is AES-encrypted with an empty user password, which
pdfium opens as is); .txt files must be UTF-8. Every failure is an ExtractError whose `kind`
is the quarantine reason.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium

SUFFIXES = (".pdf", ".txt")
# A page with fewer characters than this carries no text layer (a scan), not a sentence.
_MIN_TEXT_CHARS = 20


class ExtractError(ValueError):
    """A file whose text cannot be had; `kind` names the reason."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_of(name: str, data: bytes) -> str:
    """The text of a .pdf or .txt file's bytes."""
    if not data:
        raise ExtractError("zero_byte", "file is empty (0 bytes)")
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        return pdf_text(data)
    if suffix == ".txt":
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ExtractError("not_utf8", f"text is not valid UTF-8 (byte {error.start})") from None
    raise ExtractError("unsupported_type", f"not a .pdf or .txt file: {suffix or 'no suffix'}")


def pdf_text(data: bytes) -> str:
    """All pages' text, pages separated by a form feed on its own line."""
    if not data.startswith(b"%PDF"):
        raise ExtractError("corrupt_pdf", "not a PDF: the file does not start with %PDF")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise ExtractError("password_protected", "PDF needs a password to open") from None
        raise ExtractError("corrupt_pdf", f"PDF cannot be opened ({message})") from None
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    text = "\n\f\n".join(pages)
    if len(text.strip()) < _MIN_TEXT_CHARS * max(1, len(pages)) // 4:
        raise ExtractError("no_text_layer", f"PDF has no text layer ({len(pages)} page(s), scanned?)")
    return text

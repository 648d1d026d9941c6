"""A file's bytes to its text, by the file's type: .pdf through pdfium, .txt as UTF-8."""

from __future__ import annotations

from pathlib import Path

from ingest.extract.errors import ExtractError
from ingest.extract.pdf import pdf_text


def text_of(name: str, data: bytes) -> str:
    """The text of a .pdf or .txt file's bytes; ExtractError says why there is none."""
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

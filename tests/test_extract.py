"""PDF text through pdfium's C API is the text pypdfium2's own objects give, and bad PDFs say why."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ingest.extract.errors import ExtractError
from ingest.extract.pdf import pdf_text
from ingest.synth import write
from tests.helpers import pdf_bytes


def _pypdfium2_text(data: bytes) -> str:
    """What pypdfium2's document, page and text-page objects read, pages joined as pdf_text joins them."""
    document = pdfium.PdfDocument(data)
    try:
        return "\n\f\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_real_letters_read_as_pypdfium2_reads_them(corpus_pdfs: list[Path]) -> None:
    differing = [path.name for path in corpus_pdfs if pdf_text(path.read_bytes()) != _pypdfium2_text(path.read_bytes())]
    assert differing == []
    assert len(corpus_pdfs) == 194


def test_synthetic_letters_read_as_pypdfium2_reads_them(tmp_path: Path) -> None:
    write(tmp_path, 20, seed=3, pdf=True)
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 20
    for path in pdfs:
        text = pdf_text(path.read_bytes())
        assert "IMR ISSUES, DECISIONS AND RATIONALES" in text
        assert text == _pypdfium2_text(path.read_bytes())


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"%PDF-1.4\nthis is not really a pdf\n", "corrupt_pdf", "PDF cannot be opened (PDFium: Data format error)"),
        (b"plain text", "corrupt_pdf", "not a PDF: the file does not start with %PDF"),
        (pdf_bytes(password="secret"), "password_protected", "PDF needs a password to open"),
        (pdf_bytes(draw_text=False), "no_text_layer", "PDF has no text layer (1 page(s), scanned?)"),
    ],
)
def test_bad_pdfs_name_their_reason(data: bytes, kind: str, message: str) -> None:
    with pytest.raises(ExtractError) as raised:
        pdf_text(data)
    assert (raised.value.kind, str(raised.value)) == (kind, message)

"""PDF ingest against single-process extraction of the same files: bare pypdfium2 (targets: the
ingest at least 1.5 times its rate on 2 cores for a month of synthetic letters, issue #8, and 0.6
of it for the 194 real letters, issue #3, a run of two seconds whose start-up is a third), and
pypdf and pdfplumber, the extractors a newcomer would reach for (run on a sample: they are much
slower)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpora import IMR, files
from bench.measure import measure


def run(corpus: Path, label: str, sample: int, target: float) -> dict[str, Any]:
    """Rates (files/s) of each extractor and of `imr ingest` on the PDFs of `corpus`, with the
    `target` ratio of the ingest to bare pypdfium2."""
    pdfs = files(corpus, ".pdf")
    _pypdfium2(pdfs[:5])  # the page cache and the library, warm
    rates = {"pypdfium2": _rate(_pypdfium2, pdfs)}
    for name, extractor in (("pypdf", _pypdf), ("pdfplumber", _pdfplumber)):
        rates[name] = _rate(extractor, pdfs[:sample])
    with tempfile.TemporaryDirectory() as scratch:
        # The command's first run compiles the project's bytecode and pages its libraries in: warm
        # both on a few files, as the baseline warms pypdfium2 and the page cache above.
        warm = Path(scratch, "warm-up")
        warm.mkdir()
        for path in pdfs[:5]:
            (warm / path.name).symlink_to(path)
        measure([*IMR, "ingest", str(warm), "--home", str(Path(scratch, "warm-up-home"))])
        ingest = measure([*IMR, "ingest", str(corpus), "--home", str(Path(scratch, "home"))])
    rates["imr ingest"] = len(pdfs) / ingest.seconds
    return {
        "corpus": label, "files": len(pdfs), "sample": min(sample, len(pdfs)),
        "mb": round(sum(p.stat().st_size for p in pdfs) / 1e6, 1),
        "rates": {name: round(rate, 1) for name, rate in rates.items()},
        "ratio_to_pypdfium2": round(rates["imr ingest"] / rates["pypdfium2"], 2), "target_ratio": target,
        "ingest_seconds": round(ingest.seconds, 2), "ingest_peak_mb": round(ingest.peak_mb),
    }


def _rate(extract: Callable[[list[Path]], None], pdfs: list[Path]) -> float:
    started = time.perf_counter()
    extract(pdfs)
    return len(pdfs) / (time.perf_counter() - started)


def _pypdfium2(pdfs: list[Path]) -> None:
    import pypdfium2 as pdfium

    for path in pdfs:
        document = pdfium.PdfDocument(path.read_bytes())
        for page in document:
            page.get_textpage().get_text_range()
        document.close()


def _pypdf(pdfs: list[Path]) -> None:
    from pypdf import PdfReader

    for path in pdfs:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")
        for page in reader.pages:
            page.extract_text()


def _pdfplumber(pdfs: list[Path]) -> None:
    import pdfplumber

    for path in pdfs:
        with pdfplumber.open(path) as document:
            for page in document.pages:
                page.extract_text()

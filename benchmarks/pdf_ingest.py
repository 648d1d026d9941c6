"""PDF ingest throughput on the real letters, next to bare pypdfium2 extraction of the same files
by one process, in the same run. Target: ingest >= 0.6 x the bare extraction rate.

    IMR_CORPUS=../shared/corpus/dwc-imr-letters/pdf .venv/bin/python benchmarks/pdf_ingest.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from ingest.pipeline import ingest


def bare_extraction(files: list[Path]) -> float:
    """Seconds for one process to open every PDF and take every page's text, nothing else."""
    started = time.perf_counter()
    for path in files:
        document = pdfium.PdfDocument(path.read_bytes())
        for page in document:
            page.get_textpage().get_text_range()
        document.close()
    return time.perf_counter() - started


def main() -> None:
    corpus = Path(os.environ.get("IMR_CORPUS", "../shared/corpus/dwc-imr-letters/pdf"))
    files = sorted(corpus.glob("*.pdf"))
    if not files:
        sys.exit(f"no PDFs in {corpus} (set IMR_CORPUS)")
    bare_extraction(files[:10])  # warm the page cache and the library
    rounds = []
    for _ in range(3):
        bare = bare_extraction(files)
        with tempfile.TemporaryDirectory() as home:
            summary = ingest([corpus], Path(home), progress=False)
        assert summary.counts.loaded == len(files), summary
        rounds.append((bare, summary.seconds))
    bare, full = min(r[0] for r in rounds), min(r[1] for r in rounds)
    print(f"files: {len(files)} PDFs, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB, cores: {os.cpu_count()}")
    print(f"bare pypdfium2 extraction, 1 process: {len(files) / bare:.0f} files/s ({bare:.2f} s)")
    print(f"imr ingest (extract, parse, load):   {len(files) / full:.0f} files/s ({full:.2f} s)")
    print(f"ratio: {bare / full:.2f} (target >= 0.6); best of 3 rounds each")


if __name__ == "__main__":
    main()

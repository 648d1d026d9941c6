"""PDF ingest against single-process extraction of the same files: bare pypdfium2 (targets: the
ingest at least 1.5 times its rate on 2 cores for a month of synthetic letters, issue #8, and 0.6
of it for the 194 real letters, issue #3, a run of two seconds whose start-up is a third), and
pypdf and pdfplumber, the extractors a newcomer would reach for (run on a sample: they are much
slower)."""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpora import IMR, files, linked
from bench.measure import measure


def run(corpus: Path, label: str, sample: int, target: float, rounds: int) -> dict[str, Any]:
    """Rates (files/s) of each extractor and of `imr ingest` on the PDFs of `corpus`, with the
    `target` ratio of the ingest to bare pypdfium2 in one process.

    Baseline and ingest take turns `rounds` times, and the ratio reported is the median of the
    rounds' ratios: the host's speed drifts by a fifth within minutes, more than one pair of runs
    can tell apart. In each round the baseline extracts half of the files before the ingest and
    the other half after it.

    Two bare pypdfium2 processes side by side, each on half of the files, show what the two
    cores allow: the ingest extracts in two worker processes too, so their rate is its ceiling.

    Each round also ingests the first half of the files: the two runs tell a run's fixed cost
    (start-up and end, which the whole command pays once) from its rate once running.
    """
    pdfs = files(corpus, ".pdf")
    _pypdfium2(pdfs[:5])  # the page cache and the library, warm
    singles, pairs, ingests, ratios, peaks, fixed, steady = [], [], [], [], [], [], []
    with (
        tempfile.TemporaryDirectory() as scratch,
        multiprocessing.get_context("spawn").Pool(2, initializer=_pypdfium2, initargs=(pdfs[:2],)) as pool,
    ):
        first_half = pdfs[: len(pdfs) // 2]
        half = linked(first_half, Path(scratch, "first-half"))
        # The command's first run pages its libraries in: warm them on a few files, as the baseline
        # warms pypdfium2 and the page cache above (the suite wrote the bytecode at its start).
        warm = linked(pdfs[:5], Path(scratch, "warm-up"))
        measure([*IMR, "ingest", str(warm), "--home", str(Path(scratch, "warm-up-home"))])
        for round_ in range(rounds):
            # The baseline's two halves run before and after the ingest: both are measured around
            # the same moment, whichever way the host's speed drifts meanwhile (the pair runs first).
            pairs.append(len(pdfs) / _seconds(lambda files: pool.map(_pypdfium2, [files[0::2], files[1::2]]), pdfs))
            before = _seconds(_pypdfium2, pdfs[0::2])
            ingest = measure([*IMR, "ingest", str(corpus), "--home", str(Path(scratch, f"home-{round_}"))])
            singles.append(len(pdfs) / (before + _seconds(_pypdfium2, pdfs[1::2])))
            ingests.append(len(pdfs) / ingest.seconds)
            ratios.append(ingests[-1] / singles[-1])
            peaks.append(ingest.peak_mb)
            first = measure([*IMR, "ingest", str(half), "--home", str(Path(scratch, f"half-{round_}"))]).seconds
            per_file = (ingest.seconds - first) / (len(pdfs) - len(first_half))
            if per_file > 0:  # else the host stalled in the full run: the round tells nothing of this
                fixed.append(ingest.seconds - len(pdfs) * per_file)
                steady.append(1 / per_file / singles[-1])
    rates = {"pypdfium2": statistics.median(singles), "pypdfium2, 2 processes": statistics.median(pairs)}
    for name, extractor in (("pypdf", _pypdf), ("pdfplumber", _pdfplumber)):
        rates[name] = min(sample, len(pdfs)) / _seconds(extractor, pdfs[:sample])
    rates["imr ingest"] = statistics.median(ingests)
    return {
        "corpus": label,
        "files": len(pdfs),
        "sample": min(sample, len(pdfs)),
        "rounds": rounds,
        "mb": round(sum(p.stat().st_size for p in pdfs) / 1e6, 1),
        "rates": {name: round(rate, 1) for name, rate in rates.items()},
        "ratio_to_pypdfium2": round(statistics.median(ratios), 2),
        "target_ratio": target,
        "round_ratios": [round(ratio, 2) for ratio in ratios],
        "two_process_ratio": round(statistics.median(pair / single for pair, single in zip(pairs, singles)), 2),
        "fixed_seconds": round(statistics.median(fixed), 2) if fixed else None,
        "steady_ratio": round(statistics.median(steady), 2) if steady else None,
        "ingest_peak_mb": round(max(peaks)),
    }


def _seconds(extract: Callable[[list[Path]], Any], pdfs: list[Path]) -> float:
    started = time.perf_counter()
    extract(pdfs)
    return time.perf_counter() - started


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

"""Text ingest of synthetic letters (target: at least 5,000 letters/s on 2 cores, under 2 GB),
against the naive row-by-row loader on a sample of the same letters."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.corpora import IMR, files, linked, warm
from bench.measure import measure


def run(corpus: Path, home: Path, naive_sample: int) -> dict[str, Any]:
    """Ingest `corpus` into `home` (kept: the build benchmarks start from it) and time the naive
    loader. The letters are read once before the ingest (see corpora.warm), and how long that
    took is reported."""
    letters = files(corpus, ".txt")
    count = len(letters)
    shutil.rmtree(home, ignore_errors=True)
    cold_read = warm(corpus, ".txt")
    ingest = measure([*IMR, "ingest", str(corpus), "--home", str(home)])
    with tempfile.TemporaryDirectory() as scratch:
        sample = linked(letters[:naive_sample], Path(scratch, "sample"))
        naive = measure([sys.executable, "-m", "bench.naive_loader", str(sample), str(Path(scratch, "home"))])
    return {
        "letters": count,
        "mb": round(sum(p.stat().st_size for p in letters) / 1e6),
        "read_before_seconds": round(cold_read, 1),
        "ingest_seconds": round(ingest.seconds, 1),
        "ingest_rate": round(count / ingest.seconds),
        "ingest_cpu_ms_per_letter": round(ingest.cpu_seconds / count * 1000, 3),
        "ingest_peak_mb": round(ingest.peak_mb),
        "summary": ingest.stderr.strip().splitlines()[-1],
        "naive_letters": naive_sample,
        "naive_rate": round(naive_sample / naive.seconds),
        "naive_peak_mb": round(naive.peak_mb),
    }

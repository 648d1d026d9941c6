"""The Spark ingest (`imr ingest --engine spark`, local mode) against the DuckDB ingest, on the same
PDFs and the same cores: whole commands, as a scheduler runs them (the Spark one starts its JVM).

No target: on one machine the DuckDB ingest is expected to win (docs/ingest.md); what this
measures is by how much, and what of the Spark run grows with the files (its rate once running,
which more executor cores multiply) and what does not (its fixed cost: the JVM, the session, a
dozen small jobs). Each round also ingests the first half of the files, which tells the two
apart (as the PDF benchmark does), and runs the Spark ingest a second time over the same files
into the same lake (nothing new: every file read and hashed, none parsed). The machine's load
average is recorded before each round: the host is shared.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.corpora import IMR, files, linked
from bench.measure import Run, measure


def run(corpus: Path, label: str, rounds: int, cores: int = 2) -> dict[str, Any]:
    pdfs = files(corpus, ".pdf")
    count, half_count = len(pdfs), len(pdfs) // 2
    runs: dict[str, list[Run]] = {name: [] for name in ("duckdb", "duckdb half", "spark", "spark half", "spark again")}
    loads = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        half = linked(pdfs[:half_count], work / "first-half")
        warm = linked(pdfs[:5], work / "warm-up")
        measure(_spark(warm, work / "warm-up-lake", cores))  # the JVM's jars and the workers' libraries paged in
        measure(_duckdb(warm, work / "warm-up-home", cores))
        for number in range(rounds):
            loads.append(round(os.getloadavg()[0], 1))
            runs["duckdb"].append(measure(_duckdb(corpus, work / f"home-{number}", cores)))
            runs["duckdb half"].append(measure(_duckdb(half, work / f"half-home-{number}", cores)))
            runs["spark"].append(measure(_spark(corpus, work / f"lake-{number}", cores)))
            runs["spark again"].append(measure(_spark(corpus, work / f"lake-{number}", cores)))
            runs["spark half"].append(measure(_spark(half, work / f"half-lake-{number}", cores)))
    result: dict[str, Any] = {
        "corpus": label,
        "files": count,
        "mb": round(sum(path.stat().st_size for path in pdfs) / 1e6, 1),
        "cores": cores,
        "rounds": rounds,
        "load_before_rounds": loads,
    }
    for name, measured in runs.items():
        key = name.replace(" ", "_")
        result[f"{key}_seconds"] = round(statistics.median(one.seconds for one in measured), 1)
        result[f"{key}_cpu_seconds"] = round(statistics.median(one.tree_cpu_seconds for one in measured), 1)
        result[f"{key}_peak_mb"] = round(max(one.peak_mb for one in measured))
    for engine in ("duckdb", "spark"):
        fixed, rate = _fixed_and_rate(runs[engine], runs[f"{engine} half"], count, half_count)
        result[f"{engine}_fixed_seconds"], result[f"{engine}_rate"] = fixed, rate
    return result


def _duckdb(corpus: Path, home: Path, cores: int) -> list[str]:
    return [*IMR, "ingest", str(corpus), "--home", str(home), "--workers", str(cores)]


def _spark(corpus: Path, lake: Path, cores: int) -> list[str]:
    return [*IMR, "ingest", "--engine", "spark", str(corpus), "--lake", str(lake), "--master", f"local[{cores}]"]


def _fixed_and_rate(whole: list[Run], half: list[Run], count: int, half_count: int) -> tuple[float | None, float | None]:
    """From each round's runs over all and half the files: the seconds a run pays whatever its
    size, and its files per second once running (medians; None if the host stalled every round)."""
    fixed, rates = [], []
    for all_files, first_half in zip(whole, half):
        per_file = (all_files.seconds - first_half.seconds) / (count - half_count)
        if per_file > 0:
            fixed.append(all_files.seconds - count * per_file)
            rates.append(1 / per_file)
    if not rates:
        return None, None
    return round(statistics.median(fixed), 1), round(statistics.median(rates), 1)

"""The benchmark suite's own parts: scaled raw databases, the naive baseline, measuring a process
tree, and the report's verdicts (the timings themselves are measured by `python -m bench`)."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import measure
from bench.naive_loader import load
from bench.report import markdown
from bench.scale import scale_raw
from ingest.load import ingest
from tests.helpers import query, row_counts


def test_scaled_database_holds_copies_under_new_identities(tmp_path: Path, synthetic_dir: Path) -> None:
    base = tmp_path / "base"
    ingest([synthetic_dir], base)
    assert scale_raw(base, tmp_path / "scaled", 300) == 300
    scaled = tmp_path / "scaled"
    assert query(scaled, "select count(distinct sha256), count(distinct case_number) from raw.letters") == [(300, 300)]
    # every copy brings its letter's items and citations, attached to the copy's hash
    per_copy = query(
        scaled,
        """
        select count(*) from raw.letters l
        where (select count(*) from raw.items i where i.sha256 = l.sha256)
           <> (select count(*) from raw.items i join raw.letters b on i.sha256 = b.sha256
               where b.case_number = 'CM99' || substr(l.case_number, 5))""",
    )
    assert per_copy == [(0,)]
    counts = row_counts(scaled)
    assert counts["sources"] == 300
    assert query(scaled, "select count(*) from raw.items where sha256 not in (select sha256 from raw.letters)") == [(0,)]
    assert counts["citations"] > counts["items"] > counts["letters"]


def test_naive_loader_loads_the_rows_imr_ingest_loads(tmp_path: Path, synthetic_dir: Path) -> None:
    assert load(synthetic_dir, tmp_path / "naive") == 120
    ingest([synthetic_dir], tmp_path / "imr")
    columns = {
        "letters": "sha256, case_number, decision_date, reviewer_specialties, full_text",
        "items": "sha256, ordinal, treatment, decision, rationale",
        "citations": "sha256, item_ordinal, party, citation_ordinal, title",
    }
    for table, cols in columns.items():
        sql = f"select {cols} from raw.{table} order by all"
        assert query(tmp_path / "naive", sql) == query(tmp_path / "imr", sql), table


def test_measure_counts_the_memory_and_cpu_of_grandchildren() -> None:
    grandchild = (
        "x = bytearray(300 * 1024 * 1024); import time; time.sleep(0.5); t = time.process_time()\nwhile time.process_time() - t < 0.5: pass"
    )
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    run = measure([sys.executable, "-c", child])
    assert run.peak_mb > 300
    assert run.seconds >= 1.0
    assert run.tree_cpu_seconds >= 0.45


def test_report_says_which_targets_are_missed() -> None:
    results = {
        "machine": {"date": "2026-11-25", "cores": 2, "cpu": "test", "memory_gb": 24, "python": "3.11"},
        "text": {"letters": 100_000, "ingest_rate": 3000, "naive_rate": 120, "ingest_peak_mb": 500},
        "build": [{"letters": 1_700_000, "seconds": 55.0, "cpu_seconds": 90.0, "peak_mb": 2500, "slowest": []}],
    }
    rows = _rows(results)
    assert rows["| text ingest, 100,000 synthetic letters"].endswith("**not met** |")  # too slow
    assert rows["| `imr build`, 1,700,000 letters"].endswith("**not met** |")  # fast enough, too much memory
    results["build"][0]["peak_mb"] = 1500
    assert _rows(results)["| `imr build`, 1,700,000 letters"].endswith("| met |")


def test_report_judges_each_pdf_corpus_by_its_own_target() -> None:
    def pdf(corpus: str, ratio: float, target: float) -> dict:
        rates = {"pypdfium2": 100.0, "pypdfium2, 2 processes": 180.0, "pypdf": 10.0, "pdfplumber": 3.0, "imr ingest": 100.0 * ratio}
        return {
            "corpus": corpus,
            "files": 10,
            "mb": 1.0,
            "rates": rates,
            "ratio_to_pypdfium2": ratio,
            "round_ratios": [ratio],
            "two_process_ratio": 1.8,
            "target_ratio": target,
            "ingest_peak_mb": 400,
        }

    results = {
        "machine": {"date": "2026-12-01", "cores": 2, "cpu": "test", "memory_gb": 24, "python": "3.11"},
        "pdf": [pdf("synthetic", 1.2, 1.5), pdf("real", 0.7, 0.6)],
    }
    rows = _rows(results)
    assert rows["| PDF ingest, synthetic"].endswith("**not met** |")
    assert "≥ 1.5 × pypdfium2" in rows["| PDF ingest, synthetic"]
    assert rows["| PDF ingest, real"].endswith("| met |")
    assert "≥ 0.6 × pypdfium2" in rows["| PDF ingest, real"]


def test_report_gives_the_rate_once_running_and_the_fixed_cost_when_measured() -> None:
    rates = {"pypdfium2": 800.0, "pypdfium2, 2 processes": 1600.0, "pypdf": 170.0, "pdfplumber": 15.0, "imr ingest": 1250.0}
    measured = {
        "corpus": "synthetic",
        "files": 12000,
        "mb": 39.1,
        "rates": rates,
        "ratio_to_pypdfium2": 1.56,
        "round_ratios": [1.56],
        "two_process_ratio": 2.0,
        "target_ratio": 1.5,
        "ingest_peak_mb": 500,
        "steady_ratio": 1.67,
        "fixed_seconds": 0.65,
    }
    older = {key: value for key, value in measured.items() if key not in ("steady_ratio", "fixed_seconds")}
    machine = {"date": "2026-12-05", "cores": 2, "cpu": "test", "memory_gb": 24, "python": "3.11"}
    assert _rows({"machine": machine, "pdf": [measured]})["| synthetic (12000 files, 39.1 MB)"].endswith("| 1.56 (1.56) | 1.67 ×; 0.65 s |")
    assert _rows({"machine": machine, "pdf": [older]})["| synthetic (12000 files, 39.1 MB)"].endswith("| not measured |")


def test_report_dates_each_benchmark_when_they_ran_apart() -> None:
    machine = {"date": "2026-12-05 09:00 UTC", "cores": 2, "cpu": "test", "memory_gb": 24, "python": "3.11"}
    text = {"letters": 100_000, "ingest_rate": 8000, "naive_rate": 90, "ingest_peak_mb": 700}
    build = [{"letters": 1_700_000, "seconds": 30.0, "cpu_seconds": 50.0, "peak_mb": 1800, "slowest": []}]
    together = {
        "machine": machine,
        "text": text,
        "build": build,
        "measured": {"text": "2026-12-05 09:00 UTC", "build": "2026-12-05 09:00 UTC"},
    }
    assert "Measured 2026-12-05 09:00 UTC." in markdown(together)
    apart = {**together, "measured": {"text": "2026-12-05 09:00 UTC", "build": "2026-12-05 08:00 UTC", "pdf": "2026-12-04"}}
    assert "Measured build 2026-12-05 08:00 UTC; text 2026-12-05 09:00 UTC." in markdown(apart)  # no pdf results: not named


def _rows(results: dict) -> dict[str, str]:
    """The report's table rows by their first cell."""
    return {line.split(" | ")[0]: line for line in markdown(results).splitlines() if line.startswith("| ")}

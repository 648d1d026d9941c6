"""The benchmark suite, one command: generates the synthetic corpora, measures every benchmark
with its baseline in the same run, and writes bench/results/latest.json and the results section
of BENCHMARKS.md.

    .venv/bin/python -m bench                 # the full suite (about 20 minutes on 2 cores)
    .venv/bin/python -m bench --quick         # tiny sizes: checks the suite itself runs

Real letters join the PDF benchmark when IMR_CORPUS names their folder.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import shutil
from pathlib import Path
from typing import Any

from bench import build, corpora, pdf, queries, refresh, report, spark, text

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "imr", "expectations", "bench")
FULL: dict[str, Any] = {
    "letters": 100_000,
    "scales": [100_000, 1_000_000, 1_700_000],
    "new_letters": 12_000,
    "pdfs": 12_000,
    "pdf_rounds": 5,
    "extractor_sample": 100,
    "naive": 5_000,
    "spark_pdfs": 4_000,
    "spark_rounds": 3,
}
# PDF ingest over bare one-process pypdfium2: a month of synthetic letters (issue #8), the 194 real
# letters (issue #3: a two-second run, a third of it start-up).
SYNTHETIC_PDF_RATIO, REAL_PDF_RATIO = 1.5, 0.6
BENCHMARKS = ("pdf", "text", "build", "refresh", "spark")
QUICK: dict[str, Any] = {
    "letters": 300,
    "scales": [300, 600],
    "new_letters": 50,
    "pdfs": 20,
    "pdf_rounds": 1,
    "extractor_sample": 5,
    "naive": 50,
    "spark_pdfs": 20,
    "spark_rounds": 1,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the suite runs")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp"), "imr-bench"),
        help="where corpora and warehouses go (reused between runs)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results", help="folder for latest.json (and BENCHMARKS.md is updated unless --quick)"
    )
    parser.add_argument(
        "--only",
        nargs="*",
        choices=BENCHMARKS,
        help="run only these benchmarks (build and refresh start from text's warehouse; refresh reuses the largest build when it is there)",
    )
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    work = args.work / ("quick" if args.quick else "full")
    work.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only or BENCHMARKS)
    _compile_bytecode()
    machine = _machine()
    # When each benchmark was run: a partial run (--only) keeps the others' results and their dates.
    results: dict[str, Any] = {"machine": machine, "sizes": sizes, "measured": dict.fromkeys(sorted(wanted), machine["date"])}

    if "pdf" in wanted:
        synthetic = corpora.letters(work, sizes["pdfs"], seed=7, pdf=True)
        results["pdf"] = [
            pdf.run(
                synthetic,
                f"{sizes['pdfs']} synthetic PDFs",
                sizes["extractor_sample"],
                target=SYNTHETIC_PDF_RATIO,
                rounds=sizes["pdf_rounds"],
            )
        ]
        if os.environ.get("IMR_CORPUS"):
            results["pdf"].append(
                pdf.run(
                    Path(os.environ["IMR_CORPUS"]),
                    "real letters (IMR_CORPUS)",
                    sizes["extractor_sample"],
                    target=REAL_PDF_RATIO,
                    rounds=sizes["pdf_rounds"],
                )
            )
        _progress("pdf", results["pdf"])
    base = work / "home-base"
    if "text" in wanted:
        letters = corpora.letters(work, sizes["letters"], seed=26)
        results["text"] = text.run(letters, base, sizes["naive"])
        _progress("text", results["text"])
    largest = work / f"home-{sizes['scales'][-1]}"
    if "build" in wanted:
        results["build"] = []
        for count in sizes["scales"]:
            home = build.scaled_home(base, work, count)
            results["build"].append(build.run(home, count))
            _progress("build", results["build"][-1])
        results["queries"] = queries.run(largest)
        _progress("queries", results["queries"])
    if "refresh" in wanted:
        if not (build.scaled_home(base, work, sizes["scales"][-1]) / "imr.duckdb").exists():
            build.run(largest, sizes["scales"][-1])
        new = corpora.letters(work, sizes["new_letters"], seed=27)
        results["refresh"] = refresh.run(largest, new, work)
        _progress("refresh", results["refresh"])
    if "spark" in wanted:
        synthetic = corpora.letters(work, sizes["spark_pdfs"], seed=7, pdf=True)
        results["spark"] = [spark.run(synthetic, f"{sizes['spark_pdfs']} synthetic PDFs", sizes["spark_rounds"])]
        if os.environ.get("IMR_CORPUS"):
            results["spark"].append(spark.run(Path(os.environ["IMR_CORPUS"]), "real letters (IMR_CORPUS)", sizes["spark_rounds"]))
        _progress("spark", results["spark"])
    args.out.mkdir(parents=True, exist_ok=True)
    saved = args.out / ("quick.json" if args.quick else "latest.json")
    if args.only and saved.exists():  # a partial run updates the benchmarks it ran
        earlier = json.loads(saved.read_text())
        measured = {**earlier.get("measured", dict.fromkeys(BENCHMARKS, earlier["machine"]["date"])), **results["measured"]}
        results = {**earlier, **results, "measured": measured}
    saved.write_text(json.dumps(results, indent=2) + "\n")
    if not args.quick:
        report.update(ROOT / "BENCHMARKS.md", results)
    print(report.markdown(results))
    if args.quick:
        shutil.rmtree(work)


def _compile_bytecode() -> None:
    """Write the project's bytecode, as an installed package has it. The editable install has
    none, and with PYTHONDONTWRITEBYTECODE set (as on these machines) every measured process, each
    ingest worker included, compiled the project's modules again: 0.15-0.25 s each at start-up."""
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def _machine() -> dict[str, Any]:
    meminfo, cpuinfo = Path("/proc/meminfo").read_text(), Path("/proc/cpuinfo").read_text()
    memory_kb = next(int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal"))
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024),
        "python": platform.python_version(),
    }


def _progress(stage: str, result: Any) -> None:
    print(f"[bench] {stage}: {json.dumps(result)}", flush=True)


if __name__ == "__main__":
    main()

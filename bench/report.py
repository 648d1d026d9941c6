"""Benchmark results as Markdown: the targets table, how cost grows with letters (a table and a
Mermaid chart, which GitHub renders), and the detail of each benchmark."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
MEMORY_TARGET_MB = 2048


def update(path: Path, results: dict[str, Any]) -> None:
    """Replace the generated section of `path` (between the markers) with these results."""
    text = path.read_text()
    section = f"{START}\n{markdown(results)}\n{END}"
    path.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S))


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}. Measured {_dates(results)}.", ""]
    lines += ["| benchmark | target | measured | peak memory | status |", "|---|---|---|---|---|"]
    lines += [_row(*row) for row in _targets(results)]
    if results.get("build"):
        lines += [
            "",
            "How the build grows with the number of letters:",
            "",
            "| letters | `imr build` | CPU | peak memory | slowest dbt nodes (s) |",
            "|---|---|---|---|---|",
        ]
        for b in results["build"]:
            slowest = ", ".join(f"{name} {seconds}" for name, seconds in b["slowest"][:4])
            lines.append(f"| {b['letters']:,} | {b['seconds']} s | {b['cpu_seconds']} s | {b['peak_mb']} MB | {slowest} |")
        lines += [
            "",
            "```mermaid",
            "xychart-beta",
            '    title "imr build: seconds by letters (thousands)"',
            f"    x-axis [{', '.join(str(b['letters'] // 1000) for b in results['build'])}]",
            '    y-axis "seconds"',
            f"    bar [{', '.join(str(b['seconds']) for b in results['build'])}]",
            f"    line [{', '.join('60' for _ in results['build'])}]",
            "```",
        ]
    if results.get("pdf"):
        lines += [
            "",
            "PDF extraction rates (files/s, medians of the rounds; pypdf and pdfplumber once, on a sample; the "
            "last column from an ingest of the first half of the files in each round: the rate once running, and "
            "the fixed seconds the whole command pays):",
            "",
            "| corpus | pypdfium2, 1 process | pypdfium2, 2 processes | pypdf | pdfplumber | imr ingest "
            "| ingest / pypdfium2 (each round) | once running / pypdfium2; start-up and end |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for p in results["pdf"]:
            r = p["rates"]
            rounds = ", ".join(str(ratio) for ratio in p["round_ratios"])
            running = f"{p['steady_ratio']} ×; {p['fixed_seconds']} s" if p.get("steady_ratio") else "not measured"
            lines.append(
                f"| {p['corpus']} ({p['files']} files, {p['mb']} MB) | {r['pypdfium2']} | "
                f"{r['pypdfium2, 2 processes']} ({p['two_process_ratio']} ×) | {r['pypdf']} | "
                f"{r['pdfplumber']} | {r['imr ingest']} | {p['ratio_to_pypdfium2']} ({rounds}) | {running} |"
            )
    if results.get("spark"):
        lines += [
            "",
            "The Spark ingest (`--engine spark`, local mode) against the DuckDB ingest, same files and cores, whole "
            "commands (medians; the rate once running and the fixed seconds from the runs over half the files; "
            "load average before each round, the host being shared):",
            "",
            "| corpus | cores | DuckDB | Spark | Spark, nothing new | once running, files/s: DuckDB; Spark "
            "| fixed seconds: DuckDB; Spark | CPU s: DuckDB; Spark | peak memory: DuckDB; Spark | load |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for k in results["spark"]:
            lines.append(
                f"| {k['corpus']} ({k['files']} files, {k['mb']} MB) | {k['cores']} | {k['duckdb_seconds']} s | "
                f"{k['spark_seconds']} s | {k['spark_again_seconds']} s | {k['duckdb_rate']}; {k['spark_rate']} | "
                f"{k['duckdb_fixed_seconds']}; {k['spark_fixed_seconds']} | {k['duckdb_cpu_seconds']}; {k['spark_cpu_seconds']} | "
                f"{k['duckdb_peak_mb']} MB; {k['spark_peak_mb']} MB | {', '.join(map(str, k['load_before_rounds']))} |"
            )
    if results.get("queries"):
        lines += [
            "",
            f"Analyst queries on the {results['build'][-1]['letters']:,}-letter warehouse (ms):",
            "",
            "| query | first | median of 5 |",
            "|---|---|---|",
        ]
        lines += [f"| {name} | {q['first_ms']} | {q['median_ms']} |" for name, q in results["queries"].items()]
    if r := results.get("refresh"):
        lines += ["", "Refresh steps:", "", "| refresh | total | peak memory | steps |", "|---|---|---|---|"]
        for label, run in (("first (nothing new; validates every raw row)", r["first_refresh"]), (f"{r['new_letters']:,} new letters", r)):
            steps = ", ".join(f"{step} {seconds} s" for step, seconds in run["steps"].items())
            lines.append(f"| {label} | {run['seconds']} s | {run['peak_mb']} MB | {steps} |")
    return "\n".join(lines)


def _dates(results: dict[str, Any]) -> str:
    """When the benchmarks ran: one date, or each date with the benchmarks run then (--only)."""
    by_date: dict[str, list[str]] = {}
    for name, date in results.get("measured", {}).items():
        if name in results:
            by_date.setdefault(date, []).append(name)
    if len(by_date) < 2:
        return results["machine"]["date"]
    return "; ".join(f"{', '.join(names)} {date}" for date, names in sorted(by_date.items()))


def _targets(results: dict[str, Any]) -> list[tuple[str, str, str, float | None, bool]]:
    rows = []
    for p in results.get("pdf", []):
        rows.append(
            (
                f"PDF ingest, {p['corpus']}",
                f"≥ {p['target_ratio']} × pypdfium2 in 1 process",
                f"{p['ratio_to_pypdfium2']} × ({p['rates']['imr ingest']} vs {p['rates']['pypdfium2']} files/s)",
                p["ingest_peak_mb"],
                p["ratio_to_pypdfium2"] >= p["target_ratio"],
            )
        )
    if t := results.get("text"):
        rows.append(
            (
                f"text ingest, {t['letters']:,} synthetic letters",
                "≥ 5,000 letters/s",
                f"{t['ingest_rate']:,}/s (naive row-by-row loader: {t['naive_rate']:,}/s)"
                + (f"; the files read once before, in {t['read_before_seconds']} s" if "read_before_seconds" in t else ""),
                t["ingest_peak_mb"],
                t["ingest_rate"] >= 5000,
            )
        )
    if builds := results.get("build"):
        b = builds[-1]
        rows.append((f"`imr build`, {b['letters']:,} letters", "< 60 s", f"{b['seconds']} s", b["peak_mb"], b["seconds"] < 60))
    if r := results.get("refresh"):
        rows.append(
            (
                f"refresh of {r['new_letters']:,} new letters into {r['letters_after'] - r['new_letters']:,}",
                "< 120 s end to end",
                f"{r['seconds']} s",
                r["peak_mb"],
                r["seconds"] < 120,
            )
        )
    return rows


def _row(name: str, target: str, measured: str, peak_mb: float | None, met: bool) -> str:
    memory_met = peak_mb is None or peak_mb < MEMORY_TARGET_MB
    status = "met" if met and memory_met else "**not met**"
    return f"| {name} | {target}; memory < 2 GB | {measured} | {peak_mb} MB | {status} |"

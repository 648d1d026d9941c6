"""The validation page: the latest validation's results, and a short history, as one HTML file
that opens offline (no script, style or font from elsewhere).

It is drawn from `ops.expectation_results` in the home's operations database, where every
validation keeps its results, so it needs no Great Expectations and shows what was stored.
Every validation (`imr validate`, `imr refresh`) rewrites it; `imr docs` does too."""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from imr.home import Home

HISTORY_RUNS = 10  # earlier validations listed under the latest one


@dataclass(frozen=True)
class Result:
    """One expectation's stored result."""

    suite: str
    part: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed: str


@dataclass(frozen=True)
class Run:
    """One validation's counts."""

    run_id: str
    validated_at: dt.datetime
    expectations: int
    critical_failures: int
    warnings: int


def write_validation_page(home: Path) -> Path:
    """Write `$IMR_HOME/validation.html` from the stored results (replaced whole, by a rename, so
    a reader never sees half a page); returns its path."""
    paths = Home(home)
    runs, latest = _stored(paths.operations)
    page = _page(runs, latest, _links(paths))
    paths.root.mkdir(parents=True, exist_ok=True)
    partial = paths.validation_page.with_name(paths.validation_page.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, paths.validation_page)
    return paths.validation_page


def _stored(operations: Path) -> tuple[list[Run], list[Result]]:
    """The last HISTORY_RUNS + 1 validations, newest first, and every result of the newest."""
    if not operations.exists():
        return [], []
    with duckdb.connect(str(operations), read_only=True) as con:
        present = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'expectation_results'"
        ).fetchall()[0][0]
        if not present:
            return [], []
        runs = [
            Run(*row)
            for row in con.execute(
                "select run_id, min(validated_at) as validated_at, count(*), "
                "count(*) filter (where not success and severity = 'critical'), "
                "count(*) filter (where not success and severity = 'warning') "
                "from ops.expectation_results group by run_id order by validated_at desc, run_id desc limit ?",
                [HISTORY_RUNS + 1],
            ).fetchall()
        ]
        if not runs:
            return [], []
        latest = [
            Result(*row)
            for row in con.execute(
                "select suite, part, expectation, column_name, severity, success, observed_value "
                "from ops.expectation_results where run_id = ? order by rowid",
                [runs[0].run_id],
            ).fetchall()
        ]
    return runs, latest


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 2rem; font-size: 0.9rem; }
td, th { border: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
tr.failed-critical td { background: #fde2e1; }
tr.failed-warning td { background: #fff3cd; }
.verdict { padding: 0.6rem; font-weight: bold; border: 1px solid; }
.verdict.ok { background: #e6f4ea; border-color: #7cb98b; }
.verdict.failed { background: #fde2e1; border-color: #d9534f; }
nav a { margin-right: 1.2rem; }
.observed { font-family: ui-monospace, monospace; font-size: 0.8rem; overflow-wrap: anywhere; max-width: 32rem; }
"""


def _links(paths: Home) -> str:
    """Links to the report and the dbt docs beside the page, when they exist."""
    found = [(paths.report, "overturn report"), (paths.dbt_docs, "model and column docs (dbt)")]
    links = [f'<a href="{target.relative_to(paths.root).as_posix()}">{text}</a>' for target, text in found if target.exists()]
    return f"<nav>{' '.join(links)}</nav>" if links else ""


def _page(runs: list[Run], latest: list[Result], links: str) -> str:
    body = _latest(runs[0], latest) + _history(runs[1:]) if runs else "<p>No validation has run yet: run <code>imr validate</code>.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>IMR warehouse: validation results</title>
<style>{_STYLE}</style></head><body>
<h1>IMR warehouse: validation results</h1>
{links}
{body}
</body></html>
"""


def _latest(run: Run, results: list[Result]) -> str:
    passed = sum(r.success for r in results)
    verdict = (
        f'<p class="verdict failed">{run.critical_failures} critical expectation(s) failed: a refresh does not publish such a build.</p>'
        if run.critical_failures
        else '<p class="verdict ok">No critical expectation failed.</p>'
    )
    parts = [
        f"<p>Validation <code>{html.escape(run.run_id)}</code> at {run.validated_at:%Y-%m-%d %H:%M:%S} UTC: "
        f"{len(results)} expectations, {passed} passed, {run.critical_failures} critical failures, {run.warnings} warnings.</p>",
        verdict,
    ]
    for suite in dict.fromkeys(r.suite for r in results):
        rows = [r for r in results if r.suite == suite]
        parts.append(f"<h2>Suite {html.escape(suite)}</h2><table>")
        parts.append("<tr><th>table</th><th>expectation</th><th>column</th><th>severity</th><th>result</th><th>observed</th></tr>")
        parts.extend(_result_row(r) for r in rows)
        parts.append("</table>")
    return "".join(parts)


def _result_row(result: Result) -> str:
    css = "" if result.success else f"failed-{html.escape(result.severity)}"
    return (
        f"<tr class='{css}'><td>{html.escape(result.part)}</td><td>{html.escape(result.expectation)}</td>"
        f"<td>{html.escape(result.column or '')}</td><td>{html.escape(result.severity)}</td>"
        f"<td>{'passed' if result.success else 'FAILED'}</td><td class='observed'>{html.escape(result.observed or '')}</td></tr>"
    )


def _history(runs: list[Run]) -> str:
    if not runs:
        return ""
    head = (
        "<tr><th>validation</th><th>at (UTC)</th><th class='n'>expectations</th>"
        "<th class='n'>critical failures</th><th class='n'>warnings</th></tr>"
    )
    body = "".join(
        f"<tr class='{'failed-critical' if r.critical_failures else ''}'><td><code>{html.escape(r.run_id)}</code></td>"
        f"<td>{r.validated_at:%Y-%m-%d %H:%M:%S}</td><td class='n'>{r.expectations}</td>"
        f"<td class='n'>{r.critical_failures}</td><td class='n'>{r.warnings}</td></tr>"
        for r in runs
    )
    return f"<h2>Earlier validations</h2><table>{head}{body}</table>"

"""Small helpers for the tests: count raw rows, make bad files, copy a warehouse, run a script
in a fresh interpreter or under mounts of its own, apply a rule seed in Python, compare two engines'
raw tables and marts."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from imr.home import Home
from imr.project import seed
from imr.serve.warehouse import MARTS_SCHEMA, mart_tables
from ingest.load.schema import TABLES

DATA_TABLES = tuple(table for table in TABLES if table != "ingest_runs")
# What differs between two runs over the same files: their ids and times.
RUN_COLUMNS = {"load_id", "started_at", "ended_at", "loaded_at", "quarantined_at", "first_seen_at"}
TOLERANCE = 1e-9


def row_counts(home: Path) -> dict[str, int]:
    with duckdb.connect(str(Home(home).raw), read_only=True) as con:
        return {t: con.execute(f"select count(*) from raw.{t}").fetchall()[0][0] for t in TABLES}


def query(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(Home(home).raw), read_only=True) as con:
        return con.execute(sql).fetchall()


def pdf_bytes(draw_text: bool = True, password: str | None = None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, encrypt=StandardEncryption(password, canPrint=0) if password else None, invariant=1)
    if draw_text:
        canvas.drawString(72, 700, "HOW THE IMR FINAL DETERMINATION WAS MADE")
    else:
        canvas.rect(72, 400, 300, 300, fill=1)  # a page with marks but no text layer, like a scan
    canvas.save()
    return buffer.getvalue()


def add_bad_files(folder: Path, letter_pdf: bytes) -> dict[str, str]:
    """One file of every bad kind; returns file name -> expected quarantine kind."""
    files = {
        "empty.pdf": (b"", "zero_byte"),
        "truncated.pdf": (letter_pdf[: len(letter_pdf) // 3], "corrupt_pdf"),
        "corrupt.pdf": (b"%PDF-1.4\nthis is not really a pdf\n", "corrupt_pdf"),
        "locked.pdf": (pdf_bytes(password="secret"), "password_protected"),
        "scanned.pdf": (pdf_bytes(draw_text=False), "no_text_layer"),
        "invoice.txt": (b"Invoice 42\nTotal due: $100\n", "not_a_letter"),
        "latin1.txt": ("Lettre r\u00e9sum\u00e9".encode("latin-1"), "not_utf8"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    (folder / "gone.pdf").symlink_to(folder / "does-not-exist.pdf")
    return {**{name: kind for name, (_, kind) in files.items()}, "gone.pdf": "unreadable"}


def copy_warehouse(home: Path, target: Path) -> Path:
    """A private copy of a warehouse's databases, free to change."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    for source, copy in ((Home(home).raw, Home(target).raw), (Home(home).served, Home(target).served)):
        shutil.copy(source, copy)
    return target


def run_python(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter (so what it imports is its own), `args` as its sys.argv[1:];
    it must exit 0."""
    result = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result


def first_rule(text: str, rules: list[dict[str, str]]) -> dict[str, str] | None:
    """The seed-rule semantics, written again here: first rule by priority whose pattern matches."""
    lowered = text.lower()
    return next((rule for rule in rules if re.search(rule["pattern"], lowered)), None)


def first_match(text: str, rules: list[dict[str, str]], field: str, default: str) -> str:
    rule = first_rule(text, rules)
    return rule[field] if rule else default


def load_rules(name: str) -> list[dict[str, str]]:
    with seed(name).open(encoding="utf-8") as file:
        return sorted(csv.DictReader(file), key=lambda rule: (int(rule["priority"]), rule["rule_id"]))


def namespaced(setup: str, command: list[str], after: str = "") -> subprocess.CompletedProcess[str]:
    """`command` run after the shell lines `setup` (mounts: a tiny tmpfs for a full disk, a read-only
    bind mount), then `after`, in user and mount namespaces of its own: mounts that need no
    privilege, which root's permissions cannot see through, and which vanish with it. The exit
    status is the command's."""
    script = f'set -e\n{setup}\nset +e\n"$@"\nstatus=$?\n{after}\nexit $status'
    return subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script, "sh", *command], capture_output=True, text=True, check=False
    )


def namespaces_or_skip() -> None:
    """Skip where mount namespaces cannot be had (never in CI, which must run these tests)."""
    if subprocess.run(["unshare", "--map-root-user", "--mount", "true"], capture_output=True, check=False).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("unshare --map-root-user --mount fails in CI: the disk-full and read-only tests must run there")
        pytest.skip("this machine allows no user and mount namespaces (unshare --map-root-user --mount)")


def remote_assets(page: str) -> list[str]:
    """What an HTML page would load from elsewhere: scripts, styles, fonts, images or frames by
    URL (inlined script bodies set aside: plotly.js holds URLs it never loads by itself)."""
    markup = re.sub(r"(?s)(<script\b[^>]*>).*?</script>", r"\1</script>", page)
    tags = re.findall(r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*\b(?:src|href|data)=["']?(?:https?:)?//[^"'\s>]*""", markup)
    styles = re.findall(r"""(?:url\(\s*["']?(?:https?:)?//|@import)[^;)]*""", markup)
    return tags + styles


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def browse(chromium: str, page: Path, profile: Path, screenshot: str, height: int) -> tuple[str, list[str]]:
    """`page` as headless Chromium draws it: its DOM once scripts ran, the console's errors, and a
    screenshot `height` pixels tall kept in test-artifacts/ under the name `screenshot`."""
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=10000"]
    dom = subprocess.run(
        [*common, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    )
    errors = [line for line in dom.stderr.splitlines() if "CONSOLE" in line and re.search(r"Uncaught|Error", line)]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / screenshot
    subprocess.run(
        [*common, f"--window-size=1200,{height}", f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True
    )
    assert shot.stat().st_size > 20_000, f"{shot}: blank screenshot"
    return dom.stdout, errors


# Every relation of a DuckDB file opened read-only and alone, as a reader lists them (DuckDB's
# catalog and information_schema), with its row count or the error it answers with; as JSON.
RELATIONS_SCRIPT = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
listed = con.execute(
    "select schema_name, table_name from duckdb_tables() union select schema_name, view_name from duckdb_views() where not internal "
    "union select table_schema, table_name from information_schema.tables where table_schema not in ('information_schema', 'pg_catalog')"
).fetchall()
answers = {}
for schema, name in sorted(listed):
    try:
        answers[f"{schema}.{name}"] = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
    except duckdb.Error as error:
        answers[f"{schema}.{name}"] = f"error: {error}"
print(json.dumps({"version": duckdb.__version__, "relations": answers}))
"""


def relations(python: str | Path, database: Path) -> tuple[str, dict[str, int | str]]:
    """The DuckDB version of `python` and every relation of `database` as RELATIONS_SCRIPT answers."""
    import json

    result = subprocess.run([str(python), "-c", RELATIONS_SCRIPT, str(database)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    return answer["version"], answer["relations"]


def lake_differences(lake: Path, home: Path) -> dict[str, dict[str, list[tuple]]]:
    """Per raw table, the rows (less RUN_COLUMNS) only the raw database of `home` has and only the
    Parquet tables of `lake` have, counted as multisets; empty when the two agree."""
    differences = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{Home(home).raw}' as duck (read_only)")
        for table, columns in TABLES.items():
            names = ", ".join(column.name for column in columns if column.name not in RUN_COLUMNS)
            duck = f"select {names} from duck.raw.{table}"
            lake_rows = f"select {names} from read_parquet('{lake / table}/*.parquet')"
            only = {
                "duckdb": con.execute(f"{duck} except all {lake_rows}").fetchall(),
                "lake": con.execute(f"{lake_rows} except all {duck}").fetchall(),
            }
            if only["duckdb"] or only["lake"]:
                differences[table] = only
    return differences


def assert_marts_match(served: Path, spark_marts: Path) -> None:
    """Every mart of the DuckDB file `served` equals, row for row, the one Spark wrote under
    `spark_marts` (<warehouse>/marts.db): same columns, counts and keys exact, floats to TOLERANCE."""
    with duckdb.connect(str(served), read_only=True) as con:
        marts = mart_tables(con)
        assert sorted(path.name for path in spark_marts.iterdir()) == marts
        for mart in marts:
            expected = con.execute(f"select * from {MARTS_SCHEMA}.{mart}")
            columns, expected_rows = [d[0] for d in expected.description], expected.fetchall()
            actual = con.execute(f"select * from read_parquet('{spark_marts / mart}/*.parquet')")
            assert [d[0] for d in actual.description] == columns, mart
            actual_rows = actual.fetchall()
            assert len(actual_rows) == len(expected_rows), mart
            for want, got in zip(sorted(expected_rows, key=_order), sorted(actual_rows, key=_order)):
                assert _same(want, got), f"{mart}: DuckDB {want} != Spark {got}"


def _order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A sort key both engines' rows share: nulls last, floats rounded well above their differences."""
    return tuple((value is None, round(value, 6) if isinstance(value, float) else value) for value in row)


def _same(want: tuple[Any, ...], got: tuple[Any, ...]) -> bool:
    return all(abs(a - b) <= TOLERANCE if isinstance(a, float) and isinstance(b, float) else a == b for a, b in zip(want, got, strict=True))


def java_or_skip() -> None:
    """Skip where Java is missing (Spark needs Java 17), but fail in CI, which must run the Spark tests."""
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("no java on PATH in CI (.ci/run installs a Java 17 runtime)")
        pytest.skip("no java on PATH: Spark needs Java 17")

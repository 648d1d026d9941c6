"""`imr sql` and `imr docs`: read-only SQL on the served warehouse, and the docs sites."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from imr.home import Home
from imr.serve.docs import generate_docs
from tests.helpers import copy_warehouse


@pytest.fixture(scope="module")
def home(synthetic_warehouse: tuple[Path, list[dict]]) -> Path:
    return synthetic_warehouse[0]


def _imr(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imr", *args], input=stdin, capture_output=True, text=True, check=False)


def test_sql_prints_a_table_csv_and_json(home: Path) -> None:
    sql = "select service_category, decisions from marts.overturn_rates_by_service_category order by 1"
    table = _imr("sql", sql, "--home", str(home))
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == ["service_category", "decisions"]
    assert table.stdout.rstrip().endswith("rows)")
    as_csv = _imr("sql", sql, "--home", str(home), "--csv").stdout.splitlines()
    as_json = [json.loads(line) for line in _imr("sql", sql, "--home", str(home), "--json").stdout.splitlines()]
    assert as_csv[0] == "service_category,decisions"
    assert [row["service_category"] for row in as_json] == [line.split(",")[0] for line in as_csv[1:]]
    total = sum(row["decisions"] for row in as_json)
    count = _imr("sql", "select count(*) as n from marts.fct_imr_decisions", "--home", str(home), "--json").stdout
    assert json.loads(count)["n"] == total


def test_sql_is_read_only_and_reports_errors(home: Path) -> None:
    result = _imr("sql", "delete from marts.fct_imr_decisions", "--home", str(home))
    assert result.returncode == 1 and "read-only" in result.stderr.lower()
    assert _imr("sql", "select nonsense from nowhere", "--home", str(home)).returncode == 1


# Statements that would write a file or change a setting; {home} and {out} are filled in.
REFUSED = [
    "copy (select 1) to '{home}/ingest.duckdb'",
    "copy (select 1) to '{out}/x.csv'",
    "copy marts.fct_imr_decisions to '{out}/fct.parquet' (format parquet)",
    "export database '{out}/exported'",
    "attach '{out}/other.duckdb' as other",
    "install '{out}/evil.duckdb_extension'",
    "load '{out}/evil.duckdb_extension'",
    "set threads = 1",
    "pragma threads = 1",
    "set profiling_output = '{out}/profile.json'",
    "set enable_external_access = true; copy (select 1) to '{out}/x.csv'",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_sql_writes_no_file_and_changes_no_setting(home: Path, tmp_path: Path, statement: str) -> None:
    own = copy_warehouse(home, tmp_path / "home")
    out = tmp_path / "out"
    out.mkdir()
    raw = Home(own).raw.read_bytes()
    result = _imr("sql", statement.format(home=own, out=out), "--home", str(own))
    assert result.returncode == 1
    assert "refused: imr sql" in result.stderr, result.stderr
    assert list(out.iterdir()) == []
    assert Home(own).raw.read_bytes() == raw


def test_sql_prompt_runs_statements_until_an_empty_line(home: Path) -> None:
    result = _imr("sql", "--home", str(home), stdin="select 41 + 1 as answer;\nselect\n 'two lines' as s;\n\n")
    assert result.returncode == 0
    assert "42" in result.stdout and "two lines" in result.stdout


def test_docs_site_is_one_offline_file(home: Path) -> None:
    site = generate_docs(home)
    text = site.read_text(encoding="utf-8")
    assert "fct_imr_decisions" in text and "overturn_rates_by_service_category" in text

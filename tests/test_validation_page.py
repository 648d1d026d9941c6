"""The validation page: the stored results of the latest validation and a short history, readable
offline (Great Expectations' Data Docs load their styles and scripts from the internet), written
by every validation and named by `imr docs`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from imr.cli import main
from imr.home import Home
from imr.serve.validation import HISTORY_RUNS, write_validation_page
from tests.helpers import browse, copy_warehouse, remote_assets

RESULT_COLUMNS = "run_id, validated_at, suite, part, expectation, column_name, severity, success, observed_value"


def _store(home: Path, rows: list[tuple]) -> None:
    """Results as `expectations.runner` keeps them."""
    with duckdb.connect(str(Home(home).operations)) as con:
        con.execute("create schema if not exists ops")
        con.execute(
            "create table if not exists ops.expectation_results (run_id varchar, validated_at timestamp, suite varchar, "
            "part varchar, expectation varchar, column_name varchar, severity varchar, success boolean, observed_value varchar)"
        )
        con.executemany(f"insert into ops.expectation_results ({RESULT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


START = dt.datetime(2026, 11, 2, 2, 30)


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A home whose operations database holds 13 weekly validations, the newest with a critical failure."""
    for week in range(13):
        run, at = f"run-{week:02d}", START + dt.timedelta(days=7 * week)
        _store(
            tmp_path,
            [
                (
                    run,
                    at,
                    "raw_letters",
                    "letters",
                    "expect_column_values_to_be_between",
                    "patient_age",
                    "critical",
                    week != 12,
                    "3 unexpected",
                ),
                (run, at, "raw_items", "items", "expect_column_values_to_be_in_set", "decision", "critical", True, "0 unexpected"),
                (run, at, "marts", "fct_imr_decisions", "expect_column_mean_to_be_between", "overturned", "warning", week < 11, "<0.2>"),
            ],
        )
    return tmp_path


def test_page_shows_the_latest_validation_and_a_short_history(stored: Path) -> None:
    text = write_validation_page(stored).read_text(encoding="utf-8")
    latest = START + dt.timedelta(days=7 * 12)
    assert (
        f"Validation <code>run-12</code> at {latest:%Y-%m-%d %H:%M:%S} UTC: 3 expectations, 1 passed, 1 critical failures, 1 warnings"
        in text
    )
    assert "1 critical expectation(s) failed" in text
    assert [m for m in re.findall(r"<h2>Suite (\w+)</h2>", text)] == ["raw_letters", "raw_items", "marts"]
    failed = re.search(r"<tr class='failed-critical'>(.*?)</tr>", text)
    assert failed and "patient_age" in failed.group(1) and "FAILED" in failed.group(1) and "3 unexpected" in failed.group(1)
    assert "&lt;0.2&gt;" in text and "<0.2>" not in text  # observed values are escaped
    history = text[text.index("Earlier validations") :]
    assert re.findall(r"<code>(run-\d+)</code>", history) == [f"run-{week:02d}" for week in range(11, 11 - HISTORY_RUNS, -1)]


def test_page_needs_nothing_from_the_network_and_renders(stored: Path, chromium: str, tmp_path: Path) -> None:
    page = write_validation_page(stored)
    assert remote_assets(page.read_text(encoding="utf-8")) == []
    dom, console_errors = browse(chromium, page, tmp_path / "profile", "validation.png", height=1400)
    assert console_errors == []
    assert "patient_age" in dom


def test_before_any_validation_the_page_says_so(tmp_path: Path) -> None:
    assert "No validation has run yet" in write_validation_page(tmp_path).read_text(encoding="utf-8")


def test_imr_validate_writes_the_page_and_imr_docs_names_it(synthetic_warehouse: tuple[Path, list[dict]], tmp_path: Path) -> None:
    home = copy_warehouse(synthetic_warehouse[0], tmp_path / "home")
    validated = CliRunner().invoke(main, ["validate", "--home", str(home)])
    assert validated.exit_code == 0, validated.output
    page = Home(home).validation_page
    text = page.read_text(encoding="utf-8")
    assert "No critical expectation failed." in text and "<h2>Suite marts</h2>" in text
    assert str(page) in validated.output
    assert not (home / "gx").exists()  # Great Expectations writes nothing into the home: no Data Docs, blank offline
    # `imr docs` names the page first; the dbt docs need a served file, which this home lacks.
    Home(home).served.unlink()
    docs = CliRunner().invoke(main, ["docs", "--home", str(home)])
    assert f"validation results (one file, opens offline): {page}" in docs.output
    assert docs.exit_code == 1 and "no served warehouse yet" in docs.output

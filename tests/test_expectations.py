"""The suites pass a clean warehouse and catch planted defects with the right severity: a
row-level defect until the set-aside step takes its letter out, a whole-warehouse one always."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from expectations import marts, raw_items, raw_letters
from expectations.checks import Suite
from expectations.runner import Report, validate
from imr.home import Home
from imr.orchestrate import aside
from tests.helpers import copy_warehouse


@pytest.fixture(scope="module")
def clean_home(synthetic_warehouse: tuple[Path, list[dict]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared synthetic warehouse, copied: validation writes its results beside it."""
    return copy_warehouse(synthetic_warehouse[0], tmp_path_factory.mktemp("clean"))


@pytest.fixture
def home(clean_home: Path, tmp_path: Path) -> Path:
    """A copy of the clean warehouse to plant a defect in."""
    return copy_warehouse(clean_home, tmp_path / "home")


def _execute(database: Path, sql: str) -> None:
    with duckdb.connect(str(database)) as con:
        con.execute(sql)


def _failed(report: Report) -> set[tuple[str, str, str | None, str]]:
    return {(o.part, o.expectation, o.column, o.severity) for o in report.outcomes if not o.success}


def test_clean_warehouse_passes_every_suite_and_results_are_kept(clean_home: Path) -> None:
    report = validate(clean_home)
    assert report.ok, report.table()
    assert {o.suite for o in report.outcomes} == {"raw_letters", "raw_items", "marts"}
    with duckdb.connect(str(Home(clean_home).operations), read_only=True) as con:
        rows = con.execute("select count(*), count(distinct run_id) from ops.expectation_results").fetchall()
    assert rows == [(len(report.outcomes), 1)]


FIRST_LETTER = "(select min(sha256) from raw.letters)"


@pytest.mark.parametrize(
    ("suite", "defect", "failed", "reasons"),
    [
        (
            raw_letters.SUITE,
            "update raw.letters set decision_date = date '2031-01-01' where sha256 = {letter}",
            {("letters", "expect_column_values_to_be_between", "decision_date")},
            {"decision_date_out_of_range"},
        ),
        (
            raw_letters.SUITE,
            "update raw.letters set reviewer_licensure = ['CA', 'XX'], patient_age = 7 where sha256 = {letter}",
            {
                ("licensure", "expect_column_values_to_be_in_set", "state_code"),
                ("letters", "expect_column_values_to_be_between", "patient_age"),
            },
            {"licensure_unknown_state", "patient_age_out_of_range"},
        ),
        (
            raw_items.SUITE,
            "update raw.items set decision = 'maybe' where ordinal = 1 and sha256 = {letter}",
            {("items", "expect_column_values_to_be_in_set", "decision")},
            {"item_decision_unknown"},
        ),
    ],
)
def test_a_row_level_defect_is_critical_until_its_letter_is_set_aside(
    home: Path, suite: Suite, defect: str, failed: set[tuple[str, str, str]], reasons: set[str]
) -> None:
    _execute(Home(home).raw, defect.format(letter=FIRST_LETTER))
    before = validate(home, suites=(suite,))
    assert {(o.part, o.expectation, o.column) for o in before.critical_failures} == failed
    # What a build does first: the letter is set aside (kept in raw, out of the marts) and the
    # suite judges the other letters.
    assert aside.check(home, loaded_since=None).held == 1
    with duckdb.connect(str(Home(home).raw), read_only=True) as con:
        assert {reason for (reason,) in con.execute("select reason from raw.set_aside").fetchall()} == reasons
    after = validate(home, suites=(suite,))
    assert after.ok, after.table()


def test_raw_suites_read_only_the_loads_in_scope(home: Path) -> None:
    _execute(Home(home).raw, "update raw.letters set patient_age = 7 where sha256 = (select min(sha256) from raw.letters)")
    with duckdb.connect(str(Home(home).raw), read_only=True) as con:
        loaded = con.execute("select max(started_at) from raw.ingest_runs").fetchall()[0][0]
    later = validate(home, suites=(raw_letters.SUITE,), loaded_since=loaded + dt.timedelta(seconds=1))
    assert later.ok  # the bad row came with an earlier load: a refresh after it does not read it again
    since_then = validate(home, suites=(raw_letters.SUITE,), loaded_since=loaded)
    assert ("letters", "expect_column_values_to_be_between", "patient_age", "critical") in _failed(since_then)


def test_rate_of_one_and_a_half_is_critical(home: Path) -> None:
    _execute(
        Home(home).served,
        "update marts.overturn_rates_by_service_category set overturn_rate = 1.5 "
        "where service_category = (select min(service_category) "
        "from marts.overturn_rates_by_service_category)",
    )
    failed = _failed(validate(home, suites=(marts.SUITE,)))
    assert ("overturn_rates_by_service_category", "expect_column_values_to_be_between", "overturn_rate", "critical") in failed


def test_mart_that_no_longer_adds_up_is_critical(home: Path) -> None:
    _execute(
        Home(home).served,
        "delete from marts.overturn_rates_by_specialty where reviewer_specialty = "
        "(select max(reviewer_specialty) from marts.overturn_rates_by_specialty)",
    )
    failed = _failed(validate(home, suites=(marts.SUITE,)))
    assert ("overturn_rates_by_specialty", "expect_column_sum_to_be_between", "decisions", "critical") in failed


def test_implausible_overall_rate_and_unclassified_items_are_warnings(home: Path) -> None:
    # Every item overturned, every item but the medicines unclassified (the drug marts, which add up
    # to the medicines, still do: only warnings may come of it).
    _execute(Home(home).served, "update marts.fct_imr_decisions set is_overturned = true")
    _execute(Home(home).served, "update marts.fct_imr_decisions set service_category = 'Other' where service_category <> 'Pharmaceuticals'")
    report = validate(home, suites=(marts.SUITE,))
    failed = _failed(report)
    assert ("fct_imr_decisions", "expect_column_mean_to_be_between", "overturned", "warning") in failed
    assert ("fct_imr_decisions", "expect_column_mean_to_be_between", "unclassified", "warning") in failed
    assert report.ok  # warnings are reported, they do not fail the refresh

"""Letters that fail a row-level check are set aside: kept in raw, left out of the marts, listed
with their reasons, releasable; the other letters publish. The checks are defined once
(expectations.rows), so a letter Great Expectations fails is exactly one the step sets aside."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from expectations import raw_items, raw_letters
from expectations.rows import row_parts
from expectations.runner import validate
from imr.home import Home
from imr.orchestrate import aside
from imr.orchestrate.exits import Exit
from imr.orchestrate.refresh import refresh
from ingest.synth import write
from tests.helpers import copy_warehouse, query

TODAY = dt.date.today()
TOMORROW = TODAY + dt.timedelta(days=1)
# A defect per check that a raw row can carry (treatment and title are NOT NULL in raw): the SQL
# that plants it in the letter `{sha}`, and the reasons that letter is then set aside for.
DEFECTS = [
    ("update raw.letters set case_number = 'CM16-12' where sha256 = '{sha}'", {"case_number_malformed"}),
    ("update raw.letters set decision_date = date '2099-01-11' where sha256 = '{sha}'", {"decision_date_out_of_range"}),
    (
        "update raw.letters set decision_date = date '2012-06-01', date_of_injury = date '2011-01-01' where sha256 = '{sha}'",
        {"decision_date_out_of_range"},
    ),
    (
        f"update raw.letters set decision_date = date '{TODAY}', date_of_injury = date '{TOMORROW}' where sha256 = '{{sha}}'",
        {"injury_date_in_future", "injury_after_decision"},
    ),
    ("update raw.letters set date_of_injury = decision_date + 1 where sha256 = '{sha}'", {"injury_after_decision"}),
    ("update raw.letters set patient_age = 7 where sha256 = '{sha}'", {"patient_age_out_of_range"}),
    ("update raw.letters set patient_sex = 'unknown' where sha256 = '{sha}'", {"patient_sex_unknown"}),
    ("delete from raw.citations where sha256 = '{sha}'; delete from raw.items where sha256 = '{sha}'", {"no_items"}),
    ("update raw.letters set full_text = '' where sha256 = '{sha}'", {"no_text"}),
    ("update raw.letters set reviewer_licensure = ['CA', 'XX'] where sha256 = '{sha}'", {"licensure_unknown_state"}),
    ("update raw.items set decision = 'maybe' where sha256 = '{sha}' and ordinal = 1", {"item_decision_unknown"}),
    ("update raw.items set treatment = '' where sha256 = '{sha}' and ordinal = 1", {"item_treatment_empty"}),
    ("update raw.citations set source = 'X' where sha256 = '{sha}'", {"citation_source_unknown"}),
    ("update raw.citations set family = 'X' where sha256 = '{sha}'", {"citation_family_unknown"}),
    ("update raw.citations set party = 'nobody' where sha256 = '{sha}'", {"citation_party_unknown"}),
]


@pytest.fixture
def home(synthetic_warehouse: tuple[Path, list[dict]], tmp_path: Path) -> Path:
    """A copy of the shared warehouse without its run records: every letter is in scope."""
    return copy_warehouse(synthetic_warehouse[0], tmp_path / "home")


def _letters_with_citations(home: Path) -> list[str]:
    return [sha for (sha,) in query(home, "select distinct sha256 from raw.citations order by sha256")]


def _plant(home: Path, sql: str) -> None:
    with duckdb.connect(str(Home(home).raw)) as con:
        con.execute(sql)


def _set_aside(home: Path) -> set[tuple[str, str, bool]]:
    rows = query(home, "select sha256, reason, released_at is not null from raw.set_aside")
    return {(sha, reason, released) for sha, reason, released in rows}


def test_every_reason_is_one_check() -> None:
    reasons = [check.reason for part in row_parts(TODAY).values() for check in part.checks]
    assert len(reasons) == len(set(reasons))
    assert {reason for _, planted in DEFECTS for reason in planted} <= set(reasons)


def test_the_step_sets_aside_exactly_the_letters_the_expectations_fail(home: Path) -> None:
    letters = _letters_with_citations(home)
    expected = set()
    for (sql, reasons), sha in zip(DEFECTS, letters):
        _plant(home, sql.format(sha=sha))
        expected |= {(sha, reason, False) for reason in reasons}
    checks = {check.reason: (part.name, check) for part in row_parts(TODAY).values() for check in part.checks}
    planted = {reason for _, reason, _ in expected}
    suites = (raw_letters.SUITE, raw_items.SUITE)

    before = validate(home, suites=suites)
    failed = {(o.part, o.expectation, o.column) for o in before.critical_failures}
    expectations = {(part, check.expectation()) for part, check in (checks[reason] for reason in planted)}
    assert failed == {(part, e.expectation_type, e.column if hasattr(e, "column") else None) for part, e in expectations}

    checked = aside.check(home, loaded_since=None)

    assert _set_aside(home) == expected
    assert checked.held == checked.new == len(DEFECTS)
    after = validate(home, suites=suites)
    assert after.ok, after.table()  # the rest of the letters pass every row-level expectation
    assert sum(o.success for o in after.outcomes) == len(after.outcomes)


def test_a_set_aside_letter_stays_released_is_held_for_a_new_reason_and_leaves_once_fixed(home: Path) -> None:
    sha = _letters_with_citations(home)[0]
    age, sex = query(home, f"select patient_age, patient_sex from raw.letters where sha256 = '{sha}'")[0]
    _plant(home, f"update raw.letters set patient_age = 7 where sha256 = '{sha}'")
    assert aside.check(home, loaded_since=None).held == 1
    listed = aside.listing(home)[1]
    assert [(row[1], row[3], row[4]) for row in listed] == [
        (sha, "patient_age_out_of_range", "patient_age=7 (wanted: patient_age at least 14 and at most 100)")
    ]

    released = aside.release(home, sha, note="age checked against the PDF", by="tester")
    assert released[0] == sha and released[2] == ["patient_age_out_of_range"]
    assert aside.check(home, loaded_since=None).held == 0  # not set aside again for the same reason
    assert aside.listing(home)[1] == []
    assert [row[6:] for row in aside.listing(home, include_released=True)[1]][0][1:] == ("tester", "age checked against the PDF")

    _plant(home, f"update raw.letters set patient_sex = 'unknown' where sha256 = '{sha}'")
    # Later than every load: only the letters already set aside are read again.
    later = query(home, "select max(started_at) from raw.ingest_runs")[0][0] + dt.timedelta(seconds=1)
    assert aside.check(home, loaded_since=later).held == 1
    assert _set_aside(home) == {(sha, "patient_age_out_of_range", True), (sha, "patient_sex_unknown", False)}

    _plant(home, f"update raw.letters set patient_age = {age}, patient_sex = '{sex}' where sha256 = '{sha}'")
    fixed = aside.check(home, loaded_since=later)
    assert (fixed.held, fixed.fixed) == (0, 1)
    assert _set_aside(home) == set()


def test_release_names_one_held_letter(home: Path) -> None:
    first, second = _letters_with_citations(home)[:2]
    _plant(home, f"update raw.letters set case_number = 'CM16-0000001', patient_age = 7 where sha256 in ('{first}', '{second}')")
    aside.check(home, loaded_since=None)
    with pytest.raises(aside.NotSetAside, match="names 2 set-aside documents"):
        aside.release(home, "CM16-0000001", note="n")
    with pytest.raises(aside.NotSetAside, match="no letter held under CM99-9999999"):
        aside.release(home, "CM99-9999999", note="n")


def _imr(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imr", *map(str, args)], capture_output=True, text=True, check=False)


def _decisions(home: Path, case: str) -> int:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_imr_decisions where case_number = ?", [case]).fetchall()[0][0]


def test_a_letter_from_2099_is_set_aside_the_others_publish_and_once_released_it_is_served(tmp_path: Path) -> None:
    letters = tmp_path / "letters"
    write(letters, 40, seed=81)
    bad = sorted(letters.glob("*.txt"))[3]
    case = bad.stem
    bad.write_text(re.sub(r"(Decision Date: +)\d\d/\d\d/\d{4}", r"\g<1>01/11/2099", bad.read_text()))
    home = tmp_path / "home"

    first = refresh([letters], home)

    assert first.outcome == Exit.PUBLISHED, first.summary()
    assert first.counts["letters_set_aside"] == 1 and "SET ASIDE: 1 letters" in first.summary()
    assert _decisions(home, case) == 0
    assert query(home, f"select count(*) from raw.letters where case_number = '{case}'") == [(1,)]  # kept in raw
    assert query(home, "select count(distinct case_number) from raw.letters") == [(40,)]
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        assert con.execute("select count(distinct case_number) from marts.fct_imr_decisions").fetchall() == [(39,)]
    listed = _imr("aside", "list", "--home", home, "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["case_number"], row["reason"]) == (case, "decision_date_out_of_range")
    assert row["detail"].startswith("decision_date=2099-01-11 ")
    with duckdb.connect(str(Home(home).operations), read_only=True) as con:
        assert con.execute("select counts['letters_set_aside'] from ops.refresh_runs").fetchall() == [(1,)]

    released = _imr("aside", "release", case, "--note", "the letter says 2099; kept as printed", "--home", home)
    assert released.returncode == 0, released.stderr
    second = refresh([letters], home)

    assert second.outcome == Exit.PUBLISHED, second.summary()
    assert second.counts["letters_set_aside"] == 0
    assert _decisions(home, case) > 0
    assert _imr("aside", "list", "--home", home, "--json").stdout.strip() == ""
    [row] = [json.loads(line) for line in _imr("aside", "list", "--home", home, "--json", "--all").stdout.splitlines()]
    assert row["release_note"] == "the letter says 2099; kept as printed" and row["released_at"]

"""`imr refresh`: one at a time, publishes only what built and validated, survives kill -9 at
every step, never blocked by a reader of the served file; copies the marts into PostgreSQL when
asked, and a failed copy is made good by the next refresh; its run records open in DuckDB 1.1."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from imr.cli import main
from imr.home import Home
from imr.orchestrate.build import last_published
from imr.orchestrate.refresh import Exit, RefreshReport, refresh, staleness
from imr.serve.publish import published_build
from imr.serve.warehouse import build_id
from ingest.synth import write
from tests.helpers import relations
from tests.refreshes import imr_process, outcomes, served_count

ROOT = Path(__file__).resolve().parents[2]


def test_refresh_publishes_and_records_its_run_while_a_reader_holds_the_served_file(home: Path, letters: tuple[Path, Path]) -> None:
    reader = duckdb.connect(str(Home(home).served), read_only=True)
    before = reader.execute("select count(*) from marts.fct_imr_decisions").fetchall()[0][0]
    report = refresh([letters[1]], home)
    assert report.outcome == Exit.PUBLISHED and not report.unchanged
    assert (
        reader.execute("select count(*) from marts.fct_imr_decisions").fetchall()[0][0] == before
    )  # never blocked, never changed under it
    reader.close()
    assert report.counts["letters_new"] == 600 and report.counts["already_loaded"] == 0
    assert report.counts["models_built"] > 10 and report.counts["expectations_critical_failed"] == 0
    assert set(report.seconds) == {"ingest", "compare", "set_aside", "build", "validate", "publish", "report"}
    assert served_count(home) > before
    assert outcomes(home) == ["published", "published"]
    assert report.summary().splitlines()[-3:] == [
        f"  warehouse: {Home(home).served}",
        f"  report: {Home(home).report}",
        f"  validation: {Home(home).validation_page}",
    ]


def test_refresh_with_nothing_new_leaves_the_served_file_as_it_was(home: Path, letters: tuple[Path, Path]) -> None:
    served = Home(home).served
    before = (served.stat().st_ino, served.stat().st_mtime_ns)
    Home(home).report.unlink(missing_ok=True)  # the copy of the home has none: the refresh writes it
    report = refresh([letters[0]], home)
    assert report.outcome == Exit.PUBLISHED and report.unchanged
    assert report.counts["letters_new"] == 0 and report.counts["already_loaded"] == 200
    assert "nothing new since the last publication" in report.summary()
    assert set(report.seconds) == {"ingest", "compare", "report"}  # no build, no validation; the missing report written again
    assert (served.stat().st_ino, served.stat().st_mtime_ns) == before
    assert Home(home).report.exists()
    assert outcomes(home) == ["published", "unchanged"]


def test_fingerprint_follows_letters_set_aside_and_project_files(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from imr.orchestrate import fingerprint as module
    from imr.project import dbt_project_dir

    first = module.fingerprint(home)
    assert module.fingerprint(home) == first  # nothing read changes it
    with duckdb.connect(str(Home(home).raw)) as con:
        con.execute(
            "insert into raw.set_aside (sha256, reason, detail, set_aside_at) select sha256, 'r', 'd', now() from raw.letters limit 1"
        )
    aside = module.fingerprint(home)
    assert aside != first
    with duckdb.connect(str(Home(home).raw)) as con:
        con.execute("update raw.set_aside set released_at = now()")
    assert module.fingerprint(home) not in (first, aside)
    copy = tmp_path / "project"
    shutil.copytree(dbt_project_dir() / "dbt_project", copy / "dbt_project", ignore=shutil.ignore_patterns("target", "logs"))
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(dbt_project_dir() / name, copy / name)
    monkeypatch.setattr(module, "dbt_project_dir", lambda: copy)
    same = module.fingerprint(home)
    model = next((copy / "dbt_project" / "models" / "marts").glob("*.sql"))
    model.write_text(model.read_text() + "\n-- changed\n")
    assert module.fingerprint(home) != same


def test_second_refresh_at_once_exits_immediately(home: Path, letters: tuple[Path, Path]) -> None:
    with open(Home(home).lock, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running refresh holds it
        started = time.monotonic()
        second = imr_process("refresh", str(letters[0]), "--home", str(home))
        _, stderr = second.communicate(timeout=60)
    assert second.returncode == Exit.BUSY
    assert "is busy" in stderr
    assert time.monotonic() - started < 30


def test_failed_expectation_on_the_whole_warehouse_does_not_publish(home: Path, tmp_path: Path) -> None:
    # Every letter of a new home fails a row-level check: each is set aside, the marts come out
    # empty, and the marts' own expectation (at least one decision) stops the publication.
    letters = tmp_path / "from-2099"
    write(letters, 20, seed=64)
    for letter in letters.glob("*.txt"):
        letter.write_text(re.sub(r"(Decision Date: +)\d\d/\d\d/\d{4}", r"\g<1>01/11/2099", letter.read_text()))
    fresh = tmp_path / "fresh"
    report = refresh([letters], fresh)
    assert report.outcome == Exit.VALIDATION_FAILED
    assert report.counts["letters_set_aside"] == 20
    assert "fct_imr_decisions: expect_table_row_count_to_be_between" in report.message
    assert not Home(fresh).served.exists()  # nothing was published
    assert outcomes(fresh) == ["validation_failed"]
    page = Home(fresh).validation_page.read_text(encoding="utf-8")  # what to read when it did not publish
    assert "critical expectation(s) failed" in page and "expect_table_row_count_to_be_between" in page


def test_stale_sources_are_reported(home: Path) -> None:
    with duckdb.connect(str(Home(home).raw)) as con:
        con.execute("update raw.letters set loaded_at = loaded_at - interval 40 day")
    assert staleness(home, stale_after_days=14) >= 40
    assert staleness(home, stale_after_days=60) is None
    report = RefreshReport(refresh_id="r", home=home, outcome=Exit.PUBLISHED, stale_days=40)
    assert "STALE: no new letters for 40 days" in report.summary()


def _served_build(home: Path) -> str | None:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        return build_id(con)


def test_a_failed_postgres_copy_is_its_own_exit_and_the_next_refresh_makes_it_good(
    home: Path, letters: tuple[Path, Path], postgres: str
) -> None:
    # Nothing new to build (the served file is current): the copy is still owed, and tried.
    served = _served_build(home)
    unreachable = urlsplit(postgres)._replace(path="/imr_test_no_such_database").geturl()
    failed = subprocess.run(
        [sys.executable, "-m", "imr", "refresh", str(letters[0]), "--home", str(home)],
        env={**os.environ, "IMR_POSTGRES_URL": unreachable},
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == Exit.POSTGRES_FAILED, failed.stderr
    assert "the PostgreSQL copy is behind" in failed.stderr and "imr_test_no_such_database" in failed.stderr
    assert failed.stderr.rstrip().splitlines()[-1].startswith("  published; the PostgreSQL copy is behind")  # the last line says why
    assert outcomes(home)[-1] == "postgres_failed"
    assert _served_build(home) == served  # the DuckDB file stays published

    retried = refresh([letters[0]], home, postgres=postgres)  # nothing new again: no build, but the copy catches up
    assert retried.outcome == Exit.PUBLISHED and retried.unchanged, retried.summary()
    assert retried.counts["postgres_rows"] > 0 and "postgres" in retried.seconds
    assert published_build(postgres) == _served_build(home) == served
    assert refresh([letters[0]], home, postgres=postgres).counts["postgres_rows"] == 0  # caught up: nothing copied again


def test_exit_statuses_and_the_postgres_setting_are_documented() -> None:
    table = (ROOT / "docs" / "refresh.md").read_text(encoding="utf-8")
    assert [status for status in Exit if f"| {int(status)} |" not in table] == []
    envvar = next(param.envvar for param in main.commands["refresh"].params if param.name == "url")
    for recipe in ("cron/imr-refresh", "systemd/imr-refresh.service"):
        assert envvar in (ROOT / "deploy" / recipe).read_text(encoding="utf-8"), recipe


def test_run_records_open_in_the_oldest_duckdb(home: Path, duckdb_oldest: str) -> None:
    version, answers = relations(duckdb_oldest, Home(home).operations)
    assert version.startswith("1.1.")
    assert answers["ops.refresh_runs"] == 1 and answers["ops.expectation_results"] > 0


def test_run_records_of_an_earlier_release_are_rewritten_for_old_readers(home: Path, duckdb_oldest: str) -> None:
    path = Home(home).operations
    newest = path.with_name("newest.duckdb")
    with duckdb.connect() as con:  # as a release without STORAGE_VERSION wrote it: DuckDB's newest storage
        con.execute(f"attach '{path}' as source (read_only)")
        con.execute(f"attach '{newest}' as target")
        con.execute("copy from database source to target")
    os.replace(newest, path)
    with pytest.raises(AssertionError, match="version number"):
        relations(duckdb_oldest, path)
    published = last_published(home)  # a refresh opens it so
    assert published is not None
    assert relations(duckdb_oldest, path)[1]["ops.refresh_runs"] == 1

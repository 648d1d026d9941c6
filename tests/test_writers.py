"""One writer of a home at a time (imr.orchestrate.lock), and nothing reaches the served file
without passing the expectation suites: `imr build` validates before it swaps, as a refresh does."""

from __future__ import annotations

import fcntl
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from imr.home import Home
from imr.orchestrate import lock
from imr.orchestrate.exits import Exit
from ingest.load import ingest
from ingest.synth import write
from tests.helpers import copy_warehouse


def _imr(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imr", *map(str, args)], capture_output=True, text=True, check=False)


def test_a_busy_home_is_refused_at_once_without_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path.joinpath("refresh.lock").write_text("imr refresh (pid 4242)\n")
    monkeypatch.setattr(lock.time, "sleep", lambda seconds: pytest.fail("waited although wait is 0"))
    # An open file description of its own: flock conflicts with it even in this process.
    with open(Home(tmp_path).lock, "a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(lock.Busy, match=r"imr refresh \(pid 4242\) is writing it"), lock.exclusive(tmp_path, "build"):
            pytest.fail("ran while another command held the lock")


def test_a_writer_waits_for_the_lock_then_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    polls = []
    with open(Home(tmp_path).lock, "a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)

        def holder_finishes(seconds: float) -> None:  # the first poll found the home busy; then the holder ends
            polls.append(seconds)
            holder.close()

        monkeypatch.setattr(lock.time, "sleep", holder_finishes)
        with lock.exclusive(tmp_path, "build", wait=600):
            assert Home(tmp_path).lock.read_text().startswith("imr build (pid ")
            with lock.exclusive(tmp_path, "report"):  # the same process again, as a refresh writes its report
                pass
    assert len(polls) == 1


def test_build_while_a_refresh_holds_the_home_exits_busy_and_changes_nothing(
    synthetic_warehouse: tuple[Path, list[dict]], tmp_path: Path
) -> None:
    home = copy_warehouse(synthetic_warehouse[0], tmp_path / "home")
    served = Home(home).served.stat()
    with lock.exclusive(home, "refresh"):
        result = _imr("build", "--home", home, "--wait", "0.3")
    assert result.returncode == Exit.BUSY, result.stderr
    assert f"imr build: {home} is busy: imr refresh (pid " in result.stderr
    assert Home(home).served.stat().st_ino == served.st_ino
    assert not Home(home).build_dir.exists()  # no staged file, no dbt artifacts: the build never started
    with lock.exclusive(home, "refresh"):
        assert _imr("aside", "release", "CM00-0000000", "--note", "n", "--home", home).returncode == Exit.BUSY


def test_build_whose_marts_fail_validation_leaves_the_served_file_and_exits_6(
    synthetic_warehouse: tuple[Path, list[dict]], tmp_path: Path
) -> None:
    # A home whose every letter carries a 2099 decision: all are set aside and the marts come out
    # empty, which the marts suite refuses. Its served file is a publication of other letters.
    letters = tmp_path / "letters"
    write(letters, 15, seed=71)
    for letter in letters.glob("*.txt"):
        letter.write_text(re.sub(r"(Decision Date: +)\d\d/\d\d/\d{4}", r"\g<1>01/11/2099", letter.read_text()))
    home = tmp_path / "home"
    ingest([letters], home)
    shutil.copy(Home(synthetic_warehouse[0]).served, Home(home).served)
    before = Home(home).served.read_bytes()

    result = _imr("build", "--home", home, "--quiet")

    assert result.returncode == Exit.VALIDATION_FAILED, result.stderr
    assert "not published: marts.fct_imr_decisions: expect_table_row_count_to_be_between" in result.stderr
    assert Home(home).served.read_bytes() == before

"""`imr ingest` and `imr synth` as a scheduler runs them: exit codes, summary line, --home/IMR_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import row_counts


def _imr(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imr", *args], capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )


def test_synth_then_ingest_with_imr_home(tmp_path: Path) -> None:
    letters, home = tmp_path / "letters", tmp_path / "home"
    made = _imr("synth", "--out", str(letters), "--letters", "30", "--seed", "2")
    assert made.returncode == 0 and "30 synthetic text letters" in made.stderr
    assert len(list(letters.glob("*.txt"))) == 30 and (letters / "truth.jsonl").exists()
    result = _imr("ingest", str(letters), env={"IMR_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("imr ingest: run ")
    assert "30 files: 30 loaded, 0 duplicates, 0 quarantined" in result.stderr
    assert row_counts(home)["letters"] == 30


def test_only_bad_files_exit_zero_unless_strict(tmp_path: Path) -> None:
    bad, home = tmp_path / "bad", tmp_path / "home"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "note.txt").write_text("not a letter at all\n")
    relaxed = _imr("ingest", str(bad), "--home", str(home))
    assert relaxed.returncode == 0
    assert "2 quarantined (1 not_a_letter, 1 zero_byte)" in relaxed.stderr
    again = _imr("ingest", str(bad), "--home", str(home))
    assert again.returncode == 0 and "2 of them already in quarantine" in again.stderr
    strict = _imr("ingest", str(bad), "--home", str(home), "--strict")
    assert strict.returncode == 1
    assert row_counts(home)["quarantine"] == 2


def test_ingest_without_paths_is_a_usage_error(tmp_path: Path) -> None:
    result = _imr("ingest", "--home", str(tmp_path))
    assert result.returncode == 2 and "give files or folders" in result.stderr


def test_spark_engine_options_go_together(tmp_path: Path) -> None:
    for args, says in [
        (["--lake", str(tmp_path / "lake")], "--engine spark needs --lake"),
        (["--engine", "spark"], "--engine spark needs --lake"),
        (["--engine", "spark", "--lake", str(tmp_path / "lake"), "--conf", "spark.master"], "is not KEY=VALUE"),
    ]:
        result = _imr("ingest", str(tmp_path), "--home", str(tmp_path / "home"), *args)
        assert result.returncode == 2 and says in result.stderr, result.stderr
    assert not (tmp_path / "lake").exists() and not (tmp_path / "home").exists()  # refused before the home's lock

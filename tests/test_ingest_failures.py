"""How `imr ingest` and `imr refresh` end when they cannot do their work: a full disk, a read-only
home, an input path that does not exist, a damaged `ingest.duckdb`. Each time the documented exit
status, one line on stderr naming the file or the step, no traceback, and a run record that says
failed with the same message (where the disk can still take it), never left 'running'."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from imr.home import Home
from imr.orchestrate.engines import DuckDBEngine
from imr.orchestrate.refresh import Exit, refresh
from ingest.load import ingest
from ingest.synth import write
from tests.helpers import namespaced, namespaces_or_skip, query

IMR = [sys.executable, "-m", "imr"]


def _imr(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*IMR, *args], capture_output=True, text=True, timeout=300, check=False)


def _one_line(result: subprocess.CompletedProcess[str], command: str) -> str:
    """The single line a failed command printed, without its `imr <command>: ` prefix."""
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"imr {command}: "), line
    return line.removeprefix(f"imr {command}: ")


def _refresh_runs(home: Path) -> list[tuple[str, int, str]]:
    with duckdb.connect(str(Home(home).operations), read_only=True) as con:
        return con.execute("select outcome, exit_status, message from ops.refresh_runs order by started_at").fetchall()


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("letters")
    write(folder, 300, seed=19)
    return folder


def test_a_full_disk_ends_the_run_as_failed_and_the_next_run_goes_on(letters: Path, tmp_path: Path) -> None:
    namespaces_or_skip()
    home, kept = tmp_path / "home", tmp_path / "kept"
    home.mkdir()
    kept.mkdir()
    # The home on a 1 MB file system: the raw database fills it after a few batches.
    command = [*IMR, "ingest", str(letters), "--home", str(home), "--workers", "0", "--batch-size", "20"]
    result = namespaced(f"mount -t tmpfs -o size=1m tmpfs {home}", command, after=f"cp -a {home}/. {kept}/")

    assert result.returncode == 4
    message = _one_line(result, "ingest")
    assert message.startswith(f"{Home(home).raw}: cannot write a batch of ") and message.endswith("No space left on device")
    ((status, recorded, loaded),) = query(kept, "select status, message, loaded from raw.ingest_runs")
    assert (status, recorded) == ("failed", message)
    assert 0 < loaded < 300
    assert query(kept, "select count(*) from raw.letters") == [(loaded,)]  # whole batches

    resumed = ingest([letters], kept)  # with room again: what was committed stays

    assert resumed.counts.loaded == 300 - loaded
    assert query(kept, "select status from raw.ingest_runs order by started_at") == [("failed",), ("succeeded",)]
    assert query(kept, "select count(*), count(distinct sha256) from raw.letters") == [(300, 300)]


def test_a_full_disk_fails_the_refresh_at_its_ingest_step(letters: Path, tmp_path: Path) -> None:
    namespaces_or_skip()
    home = tmp_path / "home"
    home.mkdir()
    result = namespaced(f"mount -t tmpfs -o size=1m tmpfs {home}", [*IMR, "refresh", str(letters), "--home", str(home), "--workers", "0"])
    assert result.returncode == Exit.INGEST_FAILED
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].endswith("ingest failed (exit 4)")
    assert lines[-1].startswith(f"  ingest: {Home(home).raw}: cannot write a batch of ") and "No space left on device" in lines[-1]


def test_a_read_only_home_fails_with_one_line_naming_the_file(letters: Path, tmp_path: Path) -> None:
    namespaces_or_skip()
    home = tmp_path / "home"
    ingest([letters], home)
    before = Home(home).raw.read_bytes()
    read_only = f"mount --bind {home} {home}\nmount -o remount,bind,ro {home}"

    result = namespaced(read_only, [*IMR, "ingest", str(letters), "--home", str(home)])
    assert result.returncode == 4
    assert _one_line(result, "ingest") == (
        f"{Home(home).raw}: cannot open the raw database for writing: "
        f'IOException: IO Error: Cannot open file "{Home(home).raw}": Read-only file system'
    )
    new_home = namespaced(read_only, [*IMR, "ingest", str(letters), "--home", str(home / "new")])
    assert new_home.returncode == 4
    assert _one_line(new_home, "ingest") == f"{home / 'new'}: cannot create the home folder: Read-only file system"
    refreshed = namespaced(read_only, [*IMR, "refresh", str(letters), "--home", str(home)])
    assert refreshed.returncode == Exit.FAILED
    # A read-only home needs no lock (no one can write it): the refresh fails at the first file it writes.
    assert str(Home(home).operations) in _one_line(refreshed, "refresh") and "Read-only file system" in refreshed.stderr
    assert Home(home).raw.read_bytes() == before
    assert query(home, "select status from raw.ingest_runs") == [("succeeded",)]


def test_an_input_path_that_does_not_exist_is_a_usage_error_and_nothing_is_done(letters: Path, tmp_path: Path) -> None:
    home, missing = tmp_path / "home", tmp_path / "no-such-folder"
    for command in ("ingest", "refresh"):
        result = _imr(command, str(letters), str(missing), "--home", str(home))
        assert result.returncode == 2
        assert _one_line(result, command) == f"no such file or folder: {missing}"
    assert not home.exists()


@pytest.fixture
def damaged(letters: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A home whose raw database was cut short or overwritten with other bytes."""
    home = tmp_path / "home"
    ingest([letters], home)
    raw = Home(home).raw
    data = raw.read_bytes()
    raw.write_bytes(data[: len(data) // 3] if request.param == "truncated" else os.urandom(len(data)))
    return home


@pytest.mark.parametrize("damaged", ["truncated", "garbage"], indirect=True)
def test_a_damaged_database_is_found_at_the_start_and_left_as_it_is(damaged: Path, letters: Path) -> None:
    raw = Home(damaged).raw
    before = hashlib.sha256(raw.read_bytes()).hexdigest()

    result = _imr("ingest", str(letters), "--home", str(damaged))

    assert result.returncode == 4
    message = _one_line(result, "ingest")
    assert message.startswith(f"{raw} is damaged (IOException: IO Error: ")
    assert message.endswith(
        "; it was left as it is. To rebuild it, move it (and ingest.duckdb.wal, if any) aside and run `imr ingest` again "
        "on the input folders (docs/ingest.md: When ingest.duckdb is damaged)"
    )
    assert hashlib.sha256(raw.read_bytes()).hexdigest() == before
    assert sorted(path.name for path in damaged.iterdir()) == ["ingest.duckdb", "refresh.lock"]  # and the lock ingest held

    refreshed = _imr("refresh", str(letters), "--home", str(damaged))

    assert refreshed.returncode == Exit.INGEST_FAILED and "Traceback" not in refreshed.stderr
    assert refreshed.stderr.strip().splitlines()[-1] == f"  ingest: {message}"
    assert _refresh_runs(damaged) == [("ingest_failed", 4, f"ingest: {message}")]
    assert hashlib.sha256(raw.read_bytes()).hexdigest() == before


def test_a_damaged_database_whose_sources_can_be_read_names_their_folder(letters: Path, tmp_path: Path) -> None:
    """Damage in the run table only: the letters' sightings still say where the files were."""
    home = tmp_path / "home"
    ingest([letters], home)
    raw = Home(home).raw
    with duckdb.connect(str(raw)) as con:  # where DuckDB keeps raw.ingest_runs: its one data block
        (block,) = con.execute(
            "select distinct block_id from pragma_storage_info('raw.ingest_runs') where block_id >= 0 and column_name = 'status'"
        ).fetchall()[0]
        block_size = con.execute("select block_size from pragma_database_size()").fetchall()[0][0]
    with open(raw, "r+b") as file:  # the block's first bytes, past DuckDB's three header blocks of 4 KB
        file.seek(3 * 4096 + block * block_size + 100)
        file.write(b"\xff" * 64)

    result = _imr("ingest", str(letters), "--home", str(home))

    assert result.returncode == 4
    message = _one_line(result, "ingest")
    assert message.startswith(f"{raw} is damaged (Error: Corrupt database file: ")
    assert f"the files it recorded are under {letters} (docs/ingest.md: When ingest.duckdb is damaged)" in message


def test_an_unexpected_error_in_a_refresh_step_is_recorded_naming_the_step(
    letters: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(DuckDBEngine, "build", failing)
    home = tmp_path / "home"
    report = refresh([letters], home, workers=0)
    assert report.outcome == Exit.FAILED
    assert report.message == "build: OSError: [Errno 28] No space left on device"
    assert _refresh_runs(home) == [("failed", 1, report.message)]

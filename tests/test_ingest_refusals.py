"""What no input can do to a run: hang it (FIFOs, sockets, devices are refused unopened), fail
it by its size (files over the limit are refused unread; big letters get transactions of their
own), or fail the files beside it (an exception or a crashed worker costs only its own file)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import process
from ingest.load import ingest, pool, run, store
from ingest.synth import write
from tests.helpers import query

MB = 1024 * 1024


def _imr(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`imr` as a scheduler runs it, stopped after a minute: without the fix a FIFO hangs the run."""
    command = [sys.executable, "-m", "imr", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}, check=False)


def _swollen(letter: Path, size: int) -> bytes:
    """A letter that still parses, grown to `size` bytes by text after its last rationale."""
    data = letter.read_bytes()
    line = b"The reviewer adds a further sentence to the rationale of this item.\n"
    return data + line * ((size - len(data)) // len(line))


def test_fifos_sockets_and_devices_are_quarantined_unopened(letters_dir: Path, tmp_path: Path) -> None:
    os.mkfifo(letters_dir / "pipe.txt")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(letters_dir / "socket.txt"))
    (letters_dir / "zero.txt").symlink_to("/dev/zero")
    named_fifo = tmp_path / "named.pdf"
    os.mkfifo(named_fifo)
    home = tmp_path / "home"

    first = _imr("ingest", str(letters_dir), str(named_fifo), "--home", str(home))

    assert first.returncode == 0, first.stderr
    assert "124 files: 120 loaded, 0 duplicates, 4 quarantined (4 not_a_regular_file)" in first.stderr
    rows = query(home, "select source_file, error_kind, message, sha256 from raw.quarantine order by 1")
    assert rows == [
        ("named.pdf", "not_a_regular_file", "not a regular file: a FIFO (named pipe); only regular files are read", None),
        ("pipe.txt", "not_a_regular_file", "not a regular file: a FIFO (named pipe); only regular files are read", None),
        ("socket.txt", "not_a_regular_file", "not a regular file: a socket; only regular files are read", None),
        ("zero.txt", "not_a_regular_file", "not a regular file: a character device; only regular files are read", None),
    ]
    again = _imr("ingest", str(letters_dir), str(named_fifo), "--home", str(home))
    assert "4 of them already in quarantine" in again.stderr  # known by their paths
    assert query(home, "select count(*) from raw.quarantine") == [(4,)]


def test_a_file_over_the_limit_is_quarantined_unread_and_the_others_load(letters_dir: Path, tmp_path: Path) -> None:
    # The 200 MB text file of issue #19, at a hundredth of the size under a limit as much lower.
    (letters_dir / "huge.txt").write_bytes(_swollen(next(letters_dir.glob("*.txt")), 2 * MB))
    for how, args, env in (("option", ["--max-file-size", "1M"], {}), ("environment", [], {"IMR_MAX_FILE_SIZE": "1048576"})):
        home = tmp_path / how
        result = _imr("ingest", str(letters_dir), "--home", str(home), *args, env=env)
        assert result.returncode == 0, result.stderr
        assert "121 files: 120 loaded, 0 duplicates, 1 quarantined (1 too_large)" in result.stderr
        (row,) = query(home, "select source_file, error_kind, message, sha256, file_size from raw.quarantine")
        size = (letters_dir / "huge.txt").stat().st_size
        message = f"file is {size:,} bytes, over the limit of 1,048,576 bytes (--max-file-size)"
        assert row == ("huge.txt", "too_large", message, None, size)  # no hash: never read


def test_a_letter_just_under_the_limit_loads_beside_the_others(letters_dir: Path, tmp_path: Path) -> None:
    big = letters_dir / "big.txt"
    big.write_bytes(_swollen(next(letters_dir.glob("CM99-*.txt")), 4 * MB - 100))
    home = tmp_path / "home"
    summary = ingest([letters_dir], home, workers=0, max_file_size=4 * MB)
    assert (summary.counts.loaded, summary.counts.quarantined) == (121, 0)
    assert query(home, "select length(full_text) from raw.letters where source_file = 'big.txt'") == [(big.stat().st_size,)]


def test_big_letters_are_written_in_batches_of_bounded_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent holds a batch until it is written and DuckDB holds it until it commits: a batch
    ends before its rows pass BATCH_BYTES (here 4 MB, with chunks of 2 MB of files), and a chunk
    bigger than that goes alone, however few letters the batch holds."""
    letters = tmp_path / "letters"
    write(letters, 6, seed=3)
    for letter in letters.glob("*.txt"):
        letter.write_bytes(_swollen(letter, 3 * MB))
    batches: list[tuple[int, int]] = []
    write_batch = store.RawStore.write_batch

    def recording(self: store.RawStore, load_id: str, batch: store.Batch, parser_version: str) -> None:
        batches.append((batch.loaded, batch.rows_bytes))
        write_batch(self, load_id, batch, parser_version)

    monkeypatch.setattr(store.RawStore, "write_batch", recording)
    monkeypatch.setattr(run, "BATCH_BYTES", 4 * MB)
    monkeypatch.setattr(pool, "CHUNK_BYTES", 2 * MB)
    summary = ingest([letters], tmp_path / "home", workers=0, max_file_size=4 * MB)
    assert summary.counts.loaded == 6
    assert [loaded for loaded, _ in batches if loaded] == [1] * 6  # each letter's rows are over 4 MB
    texts = query(tmp_path / "home", "select count(*), sum(length(full_text)) from raw.letters")
    assert texts == [(6, sum(letter.stat().st_size for letter in letters.glob("*.txt")))]


def test_an_exception_parsing_one_file_quarantines_that_file_only(
    letters_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = sorted(letters_dir.glob("*.txt"))[7].name
    parse = process.parse_letter

    def buggy(text: str, source_file: str | None = None, sha256: str | None = None) -> object:
        if source_file == victim:
            raise RuntimeError("no items\nand a second line")
        return parse(text, source_file=source_file, sha256=sha256)

    monkeypatch.setattr(process, "parse_letter", buggy)
    home = tmp_path / "home"
    summary = ingest([letters_dir], home, workers=0)
    assert (summary.counts.loaded, dict(summary.counts.kinds)) == (119, {"internal_error": 1})
    rows = query(home, "select source_file, error_kind, message from raw.quarantine")
    assert rows == [(victim, "internal_error", "RuntimeError: no items")]
    assert query(home, "select status from raw.ingest_runs") == [("succeeded",)]


# Run as a script, so the spawned workers import it too (as __mp_main__): their parser kills
# the worker on files named crash-*.
_CRASHING = """
import os, signal, sys
from pathlib import Path

from ingest import process

_parse = process.parse_letter


def _crashing(text, source_file=None, sha256=None):
    if source_file.startswith("crash-"):
        os.kill(os.getpid(), signal.SIGSEGV)  # as pdfium does on some damaged PDFs
    return _parse(text, source_file=source_file, sha256=sha256)


process.parse_letter = _crashing

if __name__ == "__main__":
    from ingest.load import ingest

    print(ingest([Path(sys.argv[1])], Path(sys.argv[2]), workers=2))
"""


def test_a_file_that_kills_its_worker_is_quarantined_and_the_others_load(letters_dir: Path, tmp_path: Path) -> None:
    letters = sorted(letters_dir.glob("*.txt"))
    for number, letter in enumerate(letters[:2]):  # new bytes, so the run parses them
        (letters_dir / f"crash-{number}.txt").write_bytes(letter.read_bytes() + b"\n")
    script, home = tmp_path / "crashing.py", tmp_path / "home"
    script.write_text(_CRASHING)
    result = subprocess.run([sys.executable, str(script), str(letters_dir), str(home)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "122 files: 120 loaded, 0 duplicates, 2 quarantined (2 crashed_worker)" in result.stdout
    rows = query(home, "select source_file, error_kind, message from raw.quarantine order by 1")
    message = "the worker process died on this file (a crash in extraction, or out of memory)"
    assert rows == [("crash-0.txt", "crashed_worker", message), ("crash-1.txt", "crashed_worker", message)]
    assert query(home, "select count(*), count(distinct sha256) from raw.letters") == [(120, 120)]

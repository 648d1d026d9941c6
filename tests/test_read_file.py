"""Reading an input file: its bytes whatever its size, or the reason it cannot be read. Only
regular files are opened, and only up to the size limit."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from ingest.extract.files import read_file, refusal
from ingest.outcomes import Quarantined
from ingest.process import Failure, parse_file


def test_reads_empty_small_and_large_files_whole(tmp_path: Path) -> None:
    for size in (0, 1, 4096, 5 * 1024 * 1024 + 3):
        path = tmp_path / f"f{size}.txt"
        data = bytes(i % 251 for i in range(size))
        path.write_bytes(data)
        assert read_file(str(path)) == data


def test_a_missing_file_is_unreadable_with_its_reason(tmp_path: Path) -> None:
    outcome = read_file(str(tmp_path / "gone.txt"))
    assert isinstance(outcome, Quarantined) and outcome.kind == "unreadable"
    assert outcome.message == "cannot read file: No such file or directory"


@pytest.fixture
def special_files(tmp_path: Path) -> dict[str, str]:
    """One path of every kind that is not a regular file, named like letters; path -> what it is."""
    fifo, sock = tmp_path / "pipe.txt", tmp_path / "socket.txt"
    os.mkfifo(fifo)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock))
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "link-to-pipe.pdf").symlink_to(fifo)
    return {
        str(fifo): "a FIFO (named pipe)",
        str(sock): "a socket",
        str(tmp_path / "zero.txt"): "a character device",
        str(tmp_path / "link-to-pipe.pdf"): "a FIFO (named pipe)",
        str(tmp_path): "a folder",
    }


def test_what_is_not_a_regular_file_is_refused_without_waiting_or_reading(special_files: dict[str, str]) -> None:
    # Opening the FIFO without O_NONBLOCK would wait for a writer forever; /dev/zero never ends.
    for path, what in special_files.items():
        outcomes = [refusal(path)] + ([] if what == "a socket" else [read_file(path)])  # a socket cannot be opened at all
        for outcome in outcomes:
            assert isinstance(outcome, Quarantined) and outcome.kind == "not_a_regular_file", path
            assert outcome.message == f"not a regular file: {what}; only regular files are read"


def test_imr_parse_refuses_a_fifo_without_opening_it(special_files: dict[str, str]) -> None:
    fifo = next(path for path in special_files if path.endswith("pipe.txt"))
    outcome = parse_file(Path(fifo))
    assert isinstance(outcome, Failure) and outcome.kind == "not_a_regular_file"


def test_a_regular_file_is_not_refused(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_text("text")
    (tmp_path / "link.txt").symlink_to(tmp_path / "letter.txt")
    assert refusal(str(tmp_path / "letter.txt")) is None and refusal(str(tmp_path / "link.txt")) is None


def test_a_file_over_the_limit_is_refused_from_its_size_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 3000)
    assert read_file(str(path), max_size=3000) == b"x" * 3000
    outcome = read_file(str(path), max_size=2999)
    assert isinstance(outcome, Quarantined) and (outcome.kind, outcome.size, outcome.sha256) == ("too_large", 3000, None)
    assert outcome.message == "file is 3,000 bytes, over the limit of 2,999 bytes (--max-file-size)"
    assert read_file(str(path), max_size=None) == b"x" * 3000

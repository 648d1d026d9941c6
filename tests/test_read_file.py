"""Reading an input file: its bytes whatever its size, or the reason it cannot be read."""

from __future__ import annotations

from pathlib import Path

from ingest.extract.files import read_file
from ingest.outcomes import Quarantined


def test_reads_empty_small_and_large_files_whole(tmp_path: Path) -> None:
    for size in (0, 1, 4096, 5 * 1024 * 1024 + 3):
        path = tmp_path / f"f{size}.txt"
        data = bytes(i % 251 for i in range(size))
        path.write_bytes(data)
        assert read_file(str(path)) == data


def test_a_folder_or_a_missing_file_is_unreadable_with_its_reason(tmp_path: Path) -> None:
    for path, reason in ((tmp_path, "Is a directory"), (tmp_path / "gone.txt", "No such file or directory")):
        outcome = read_file(str(path))
        assert isinstance(outcome, Quarantined) and outcome.kind == "unreadable"
        assert outcome.message == f"cannot read file: {reason}"

"""How an ingest run cuts its transactions: a batch is a row group of letters (DuckDB writes it
straight into the file), counted in letters rather than files; runs of duplicates still commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.load import pipeline
from ingest.load.store import Batch, RawStore


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(letters, files seen) of every batch written, in order."""
    written: list[tuple[int, int]] = []
    original = RawStore.write_batch

    def recording(self: RawStore, load_id: str, batch: Batch, parser_version: str) -> None:
        written.append((batch.loaded, batch.files_seen))
        original(self, load_id, batch, parser_version)

    monkeypatch.setattr(RawStore, "write_batch", recording)
    return written


def test_batches_hold_a_batch_of_letters(letters_dir: Path, tmp_path: Path, writes: list[tuple[int, int]]) -> None:
    summary = pipeline.ingest([letters_dir], tmp_path / "home", workers=0, batch_size=50)
    assert summary.counts.loaded == 120
    letters = [loaded for loaded, _ in writes]
    assert sum(letters) == 120
    assert all(count >= 50 for count in letters[:-1]), letters  # every batch but the last is full
    assert letters[-1] < 50, letters


def test_a_run_of_duplicates_commits_every_two_batches_of_files(letters_dir: Path, tmp_path: Path, writes: list[tuple[int, int]]) -> None:
    home = tmp_path / "home"
    pipeline.ingest([letters_dir], home, workers=0, batch_size=50)
    writes.clear()
    again = pipeline.ingest([letters_dir], home, workers=0, batch_size=50)
    assert again.counts.duplicates == 120
    assert writes == [(0, 100), (0, 20)]


def test_zero_workers_run_in_this_process(letters_dir: Path, tmp_path: Path) -> None:
    assert pipeline.ingest([letters_dir], tmp_path / "home", workers=0).counts.loaded == 120

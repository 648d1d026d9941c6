"""How new files are cut into chunks for the workers: by units of work, small files with their bytes."""

from __future__ import annotations

from ingest.load.pool import CHUNK_BYTES, PDF_COST, SHIP_BYTES_BELOW, Chunker


def test_a_chunk_is_given_once_it_holds_its_units_of_work() -> None:
    chunker = Chunker(PDF_COST + 1)
    assert chunker.add("a.pdf", "1" * 64, b"%PDF") is None
    chunk = chunker.add("b.txt", "2" * 64, b"text")
    assert chunk == [("a.pdf", "1" * 64, b"%PDF"), ("b.txt", "2" * 64, b"text")]
    assert chunker.rest() is None  # nothing taken since


def test_big_files_travel_without_their_bytes_and_the_rest_comes_last() -> None:
    chunker = Chunker(100)
    big = b"x" * SHIP_BYTES_BELOW
    assert chunker.add("big.txt", "3" * 64, big) is None
    assert chunker.rest() == [("big.txt", "3" * 64, None)]


def test_a_chunk_is_given_once_its_files_hold_chunk_bytes() -> None:
    """However few units of work: a worker holds a chunk's texts and rows at once."""
    chunker = Chunker(100)
    half = b"x" * (CHUNK_BYTES // 2)
    assert chunker.add("a.txt", "1" * 64, half) is None
    assert chunker.add("b.txt", "2" * 64, half) == [("a.txt", "1" * 64, None), ("b.txt", "2" * 64, None)]

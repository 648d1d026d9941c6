"""How new files are cut into chunks for the workers: by units of work, small files with their bytes."""

from __future__ import annotations

from ingest.load.pool import PDF_COST, SHIP_BYTES_BELOW, Chunker


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

"""The synthetic generator: its letters parse back to exactly their true records."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.extract.document import text_of
from ingest.parse import parse_letter
from ingest.synth import generate, write


def test_text_letters_parse_back_exactly() -> None:
    for letter in generate(400, seed=3):
        assert parse_letter(letter.text, letter.name, letter.record["sha256"]) == letter.record, letter.name


def test_pdf_letters_parse_back_exactly(tmp_path: Path) -> None:
    write(tmp_path, 6, seed=4, pdf=True)
    truths = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text().splitlines()]
    assert len(truths) == 6
    for truth in truths:
        data = (tmp_path / truth["source_file"]).read_bytes()
        assert data.startswith(b"%PDF")
        assert parse_letter(text_of(truth["source_file"], data), truth["source_file"], truth["sha256"]) == truth


def test_same_seed_same_letters() -> None:
    first = [letter.text for letter in generate(20, seed=9)]
    assert first == [letter.text for letter in generate(20, seed=9)]
    assert first != [letter.text for letter in generate(20, seed=10)]


def test_labelled_synthetic_and_shaped_like_the_corpus() -> None:
    letters = list(generate(3000, seed=1))
    assert all("SYNTHETIC" in letter.text and letter.record["case_number"].startswith("CM99-") for letter in letters)
    items = [item for letter in letters for item in letter.record["items"]]
    counts = [len(letter.record["items"]) for letter in letters]
    assert min(counts) >= 1 and max(counts) <= 20 and max(counts) >= 8
    assert 1.8 <= len(items) / len(letters) <= 2.8
    overturned = sum(item["decision"] == "overturned" for item in items) / len(items)
    assert 0.08 <= overturned <= 0.14
    assert any(item["original_request"] for item in items)
    assert any(item["treatment"].startswith("Retrospective") for item in items)
    assert any(not item["claims_administrator_citations"] for item in items)

"""All 194 real letters read by hand, field by field (needs IMR_CORPUS).

The first eighteen were chosen for their difficulties: many items (21, 15, 10, 9, 8), modified-UR
names in both forms, names wrapping over lines and pages, "DOS:" names, several chapters in one
MTUS sentence, "did not cite" paragraphs, ACOEM and other non-ODG citations, overturned and
partially overturned letters. Sixty-four more, drawn at random, were read by helpers against
pdftotext's text, and later the other 112 the same way (all fields matched but diagnoses: a
sentence ending in a full stop with no space after it, "strains and sprains", qualified places,
fixed in parser 1.4.0). Where the helpers found the diagnoses wrong or debatable and the parser
still reads them so (a hyphen kept at a line break, "homicidal and suicidal thoughts",
"synovitis and tenosynovitis", "lateral recess and foraminal stenosis"), those letters carry no
diagnoses here. tests/data/handchecked.json holds what the letters say; citations are [source,
family, title, year, sections], rationales are checked at both ends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EXPECTED: dict[str, dict[str, Any]] = json.loads((Path(__file__).parent / "data" / "handchecked.json").read_text(encoding="utf-8"))


def _citations(citations: list[dict]) -> list[list]:
    return [[c["source"], c["family"], c["title"], c["year"], c["sections"]] for c in citations]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_letter(case: str, corpus_records: dict) -> None:
    expected = dict(EXPECTED[case])
    record = corpus_records[case]
    expected_items = expected.pop("items")
    assert {field: record[field] for field in expected} == expected
    assert len(record["items"]) == len(expected_items)
    for item, want in zip(record["items"], expected_items):
        words = item["rationale"].split()
        got = {
            "treatment": item["treatment"],
            "original_request": item["original_request"],
            "decision": item["decision"],
            "claims_administrator_citations": _citations(item["claims_administrator_citations"]),
            "reviewer_citations": _citations(item["reviewer_citations"]),
            "rationale_starts": " ".join(words[:8]),
            "rationale_ends": " ".join(words[-8:]),
        }
        assert got == want, (case, item["ordinal"])


def test_enough_letters_checked_by_hand() -> None:
    assert len(EXPECTED) == 194
    assert sum(len(letter["items"]) for letter in EXPECTED.values()) == 439

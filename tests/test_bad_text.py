"""Text that is not a readable letter gives a ParseError with its reason, never a half record."""

from __future__ import annotations

import pytest

from ingest.parse import ParseError, parse_letter


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("", "empty", "empty document"),
        ("  \n\f\n ", "empty", "empty document"),
        ("Dear Sir,\nPlease find enclosed the invoice for October.\n", "not_a_letter", "not an IMR"),
        ("NOTICE OF INDEPENDENT MEDICAL REVIEW DETERMINATION\nblah", "unsupported_layout", "not supported"),
    ],
    ids=["empty", "blank", "invoice", "old-layout"],
)
def test_not_a_letter(text: str, kind: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as error:
        parse_letter(text)
    assert error.value.kind == kind


def test_truncated_in_the_middle_of_the_items(seed_text: str) -> None:
    cut = seed_text.index("Decision rationale: X-Rays")
    with pytest.raises(ParseError, match="item 2 .* truncated") as error:
        parse_letter(seed_text[:cut])
    assert error.value.kind == "truncated"


def test_truncated_before_any_item(seed_text: str) -> None:
    cut = seed_text.index("MRI of the Cervical Spine: Upheld")
    with pytest.raises(ParseError, match="no disputed items") as error:
        parse_letter(seed_text[:cut])
    assert error.value.kind == "no_items"


def test_truncated_before_the_decisions_heading(seed_text: str) -> None:
    cut = seed_text.index("IMR ISSUES, DECISIONS AND RATIONALES")
    with pytest.raises(ParseError, match="ends before its decisions") as error:
        parse_letter(seed_text[:cut])
    assert error.value.kind == "truncated"

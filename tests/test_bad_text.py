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


# The seed letter's second item, whose decision word the tests below change.
SECOND = "X-Rays of the Cervical Spine with AP, lateral, flexion and extension views"


@pytest.mark.parametrize("word", ["Partially Overturned", "Denied", "Modified", "Approved", "denied.", "Upheld in part"])
def test_unknown_decision_word(seed_text: str, word: str) -> None:
    text = seed_text.replace(f"{SECOND}: Overturned", f"{SECOND}: {word}")
    with pytest.raises(ParseError, match=rf"item 2 \('{SECOND}'\) is decided '{word}'") as error:
        parse_letter(text)
    assert error.value.kind == "unknown_decision"


@pytest.mark.parametrize("heading", [f"{SECOND}:", SECOND], ids=["colon", "no-colon"])
def test_missing_decision_word(seed_text: str, heading: str) -> None:
    with pytest.raises(ParseError, match=rf"item 2 \('{SECOND}'\) has no decision") as error:
        parse_letter(seed_text.replace(f"{SECOND}: Overturned", heading))
    assert error.value.kind == "unknown_decision"


def test_unknown_decision_of_the_first_item(seed_text: str) -> None:
    with pytest.raises(ParseError, match=r"item 1 \('MRI of the Cervical Spine'\) is decided 'Denied'") as error:
        parse_letter(seed_text.replace("MRI of the Cervical Spine: Upheld", "MRI of the Cervical Spine: Denied"))
    assert error.value.kind == "unknown_decision"

"""Text that is not a readable letter gives a ParseError with its reason, never a half record."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.parse import ParseError, parse_letter
from ingest.synth import generate


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


def _letters(count: int, seed: int) -> list[str]:
    return [letter.text for letter in generate(count, seed=seed)]


def test_several_letters_in_one_file() -> None:
    letters = _letters(3, seed=5)
    with pytest.raises(ParseError, match=r"3 letters in one file \(cases CM99-0500000, CM99-0500001, CM99-0500002\)") as error:
        parse_letter("\f".join(letters))
    assert error.value.kind == "several_letters"


def test_a_letter_and_another_without_its_header(seed_text: str) -> None:
    (letter,) = _letters(1, seed=5)
    with pytest.raises(ParseError, match="2 letters in one file") as error:
        parse_letter(letter + seed_text)
    assert error.value.kind == "several_letters"


@pytest.mark.parametrize("separator", ["", "\n", "\f", "\n\n\f\n"], ids=["glued", "newline", "page-break", "blank-lines"])
def test_the_same_letter_twice(separator: str) -> None:
    (letter,) = _letters(1, seed=5)
    with pytest.raises(ParseError, match=r"the same letter 2 times in one file \(case CM99-0500000\)") as error:
        parse_letter(letter + separator + letter)
    assert error.value.kind == "repeated_letter"


def test_the_seed_letter_twice(seed_text: str) -> None:
    with pytest.raises(ParseError, match="the same letter 2 times") as error:
        parse_letter(seed_text + "\f" + seed_text)
    assert error.value.kind == "repeated_letter"


def test_a_letter_repeated_over_two_thousand_pages() -> None:
    """A 2,000-page file of one letter (two pages each): refused as a whole, read in one pass."""
    (letter,) = _letters(1, seed=5)
    with pytest.raises(ParseError, match="the same letter 1000 times") as error:
        parse_letter("\f".join([letter] * 1000))
    assert error.value.kind == "repeated_letter"


def _synthetic_with_dates() -> tuple[str, dict[str, str]]:
    """A synthetic letter and its header dates as written (all different), by field."""
    (letter,) = generate(1, seed=5)
    fields = ("decision_date", "date_assigned", "date_of_injury", "ur_denial_date", "application_received")
    written = {field: dt.date.fromisoformat(letter.record[field]).strftime("%m/%d/%Y") for field in fields}
    assert len(set(written.values())) == len(fields)
    return letter.text, written


@pytest.mark.parametrize("field", ["decision_date", "date_assigned", "date_of_injury", "ur_denial_date", "application_received"])
@pytest.mark.parametrize("impossible", ["02/30/2017", "13/01/2016", "00/10/2016", "10/13/201"])
def test_impossible_date_in_the_header(field: str, impossible: str) -> None:
    text, written = _synthetic_with_dates()
    with pytest.raises(ParseError, match=rf"{field} '{impossible}' is not a calendar date") as error:
        parse_letter(text.replace(written[field], impossible))
    assert error.value.kind == "bad_date"


@pytest.mark.parametrize(
    ("written", "impossible", "field"),
    [("injury on 8-13-13", "injury on 2-30-13", "date_of_injury"), ("UR dated 11/18/14", "UR dated 13/18/14", "ur_denial_date")],
    ids=["injury", "ur"],
)
def test_impossible_date_in_the_prose_fallback(seed_text: str, written: str, impossible: str, field: str) -> None:
    """The seed letter has no header: its injury and UR dates come from the summary's prose."""
    with pytest.raises(ParseError, match=rf"{field} '{impossible.split()[-1]}' is not a calendar date") as error:
        parse_letter(seed_text.replace(written, impossible, 1))
    assert error.value.kind == "bad_date"


def test_numbers_that_only_look_like_dates_are_not_dates(seed_text: str) -> None:
    """A ratio or a dose in a UR sentence is no date: it neither fails the letter nor takes the UR date."""
    record = parse_letter(seed_text.replace("Per the UR dated", "Per the UR (Norco 10/325, pain rated 2/30) dated", 1))
    assert (record["ur_denial_date"], record["date_of_injury"]) == ("2014-11-18", "2013-08-13")


def test_a_possible_date_out_of_range_is_read_as_written() -> None:
    """Plausibility (a decision in 2099) is the warehouse's to judge; the parser reads what is written."""
    text, written = _synthetic_with_dates()
    assert parse_letter(text.replace(written["decision_date"], "10/13/2099"))["decision_date"] == "2099-10-13"

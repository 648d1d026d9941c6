"""The items section: names that wrap, modified-UR forms, page breaks, glued lines."""

from __future__ import annotations

import pytest

from ingest.parse.errors import ParseError
from ingest.parse.items import parse_items
from ingest.parse.text import split_lines

INTRO = "The Final Determination was based on decisions for the disputed items/services set forth below:\n"
FIELDS = (
    "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment\n"
    "2016, Section(s): Physical medicine treatment.\n"
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,\n"
    "Section(s): Physical medicine treatment.\n"
    "Decision rationale: {rationale}\n"
)


def _items(*blocks: tuple[str, str]) -> list[dict]:
    text = INTRO + "".join(header + "\n" + FIELDS.format(rationale=rationale) for header, rationale in blocks)
    return parse_items(split_lines(text))


def test_names_wrap_over_lines() -> None:
    items = _items(
        (
            "Referral to chiropractor for evaluation of low back pain and left groin pain, twice a week\nfor 3 weeks: Upheld",
            "The guidelines do not\nsupport it. The request is not medically necessary.",
        ),
        (
            "Additional physical therapy two times four visits (8) for the lumbar and bilateral knees:\nOverturned",
            "It is medically necessary.",
        ),
    )
    assert [i["treatment"] for i in items] == [
        "Referral to chiropractor for evaluation of low back pain and left groin pain, twice a week for 3 weeks",
        "Additional physical therapy two times four visits (8) for the lumbar and bilateral knees",
    ]
    assert [i["decision"] for i in items] == ["upheld", "overturned"]
    assert items[0]["rationale"] == "The guidelines do not support it. The request is not medically necessary."
    assert [i["ordinal"] for i in items] == [1, 2]


def test_remaining_portion_form() -> None:
    (item,) = _items(
        (
            "Physical therapy to the low back eight sessions was the original request. Physical therapy to\n"
            "the low back six sessions was authorized by the Claims Administrator. The remaining IMR\n"
            "eligible portion of the original request, Physical therapy to the low back two sessions is:\nUpheld",
            "Not necessary.",
        )
    )
    assert item["treatment"] == "Physical therapy to the low back two sessions"
    assert item["original_request"] == "Physical therapy to the low back eight sessions"


def test_original_request_form() -> None:
    items = _items(
        ("MRI of the knee: Upheld", "The request is not\nmedically necessary."),
        (
            "Acupuncture treatments (unspecified quantity) was the original request. The Claims\n"
            "Administrator authorized Acupuncture treatments, 6 sessions, leaving the original request\n"
            "IMR eligible. The original request, Acupuncture treatments (unspecified quantity) is:\nOverturned",
            "Medically necessary.",
        ),
    )
    assert items[0]["rationale"] == "The request is not medically necessary."
    assert items[1]["treatment"] == "Acupuncture treatments (unspecified quantity)"
    assert items[1]["original_request"] == "Acupuncture treatments (unspecified quantity)"
    assert items[1]["decision"] == "overturned"


def test_name_across_a_page_break_and_wrapping_on_a_colon() -> None:
    items = _items(
        ("Voltaren gel 4 times a day, #60 grams with 1 refill, DOS:\n11/11/2016: Upheld", "Not necessary."),
        ("Lidoderm patch, 12 hours on 12 hours off to affected area, #1 box with 1 refill, DOS:\f\n11/11/2016: Upheld", "Not necessary."),
    )
    assert [i["treatment"] for i in items] == [
        "Voltaren gel 4 times a day, #60 grams with 1 refill, DOS: 11/11/2016",
        "Lidoderm patch, 12 hours on 12 hours off to affected area, #1 box with 1 refill, DOS: 11/11/2016",
    ]
    assert items[0]["rationale"] == "Not necessary."


def test_prefixes_stay_and_hyphen_wraps_join() -> None:
    (item,) = _items(("Retrospective TENS unit, purchase, lumbar spine, cervical-\nthoracic (DOS 12/29/16): Upheld", "No."))
    assert item["treatment"] == "Retrospective TENS unit, purchase, lumbar spine, cervical-thoracic (DOS 12/29/16)"


def test_name_glued_to_the_previous_sentence() -> None:
    text = (
        INTRO
        + "MRI of the knee: Upheld\n"
        + FIELDS.format(rationale="The request is not medically necessary.").replace(
            "necessary.\n", "necessary.Norco 10/325mg #60: Upheld\n"
        )
        + FIELDS.format(rationale="Not necessary.")
    )
    items = parse_items(split_lines(text))
    assert [i["treatment"] for i in items] == ["MRI of the knee", "Norco 10/325mg #60"]
    assert items[0]["rationale"] == "The request is not medically necessary."


def test_fields_on_one_line() -> None:
    text = (
        INTRO + "Physical therapy: Upheld\nClaims Administrator guideline: The Claims Administrator did not cite "
        "any medical evidence for its decision. MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical "
        "Treatment 2016. Decision rationale: Not necessary.\n"
    )
    (item,) = parse_items(split_lines(text))
    assert item["claims_administrator_citations"] == []
    assert [c["title"] for c in item["reviewer_citations"]] == ["Chronic Pain Medical Treatment"]
    assert item["rationale"] == "Not necessary."


def test_no_items_is_an_error() -> None:
    with pytest.raises(ParseError, match="no disputed items"):
        parse_items(split_lines(INTRO + "Nothing follows.\n"))


def test_item_cut_off_before_its_rationale_is_an_error() -> None:
    text = INTRO + "MRI of the knee: Upheld\nClaims Administrator guideline: Decision based on MTUS Knee"
    with pytest.raises(ParseError, match="truncated"):
        parse_items(split_lines(text))


def _refused(text: str, kind: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as error:
        parse_items(split_lines(INTRO + text))
    assert error.value.kind == kind


def test_an_item_without_its_rationale_before_the_next_item_is_an_error() -> None:
    first = "MRI of the knee: Upheld\n" + FIELDS.format(rationale="Not necessary.").split("Decision rationale:")[0]
    _refused(
        first + "Norco: Upheld\n" + FIELDS.format(rationale="Not necessary."),
        "missing_rationale",
        r"item 1 \('MRI of the knee'\) has no decision rationale before the next item \('Norco: Upheld'\)",
    )


def test_a_field_twice_in_one_item_is_an_error() -> None:
    fields = FIELDS.format(rationale="Not necessary.")
    twice = fields.replace("Decision rationale:", "MAXIMUS guideline: Decision based on ODG.\nDecision rationale:")
    _refused("MRI of the knee: Upheld\n" + twice, "missing_rationale", "has no decision rationale before a second 'MAXIMUS guideline:'")


def test_a_heading_without_fields_is_an_error() -> None:
    """'Norco: Upheld' right before the next heading would vanish into the rationale above it."""
    fields = FIELDS.format(rationale="Not necessary.")
    _refused(
        "MRI of the knee: Upheld\n" + fields + "Norco: Upheld\nTENS unit: Overturned\n" + fields,
        "missing_rationale",
        "'Norco: Upheld' reads as an item heading but no guideline or rationale follows it",
    )


@pytest.mark.parametrize(
    "text",
    [
        FIELDS.format(rationale="Not necessary."),
        "MRI of the knee: Upheld\n" + FIELDS.format(rationale="Not necessary.") + FIELDS.format(rationale="Also not."),
    ],
    ids=["before-any-heading", "after-a-rationale"],
)
def test_fields_without_an_item_heading_are_an_error(text: str) -> None:
    _refused(text, "orphan_field", "guideline or rationale has no item heading above it")


def test_items_count_their_rationales() -> None:
    """Every rationale belongs to an item, so there are as many items as rationales."""
    text = INTRO + "".join(f"Item {n}: Upheld\n" + FIELDS.format(rationale=f"Reason {n}.") for n in range(1, 8))
    items = parse_items(split_lines(text))
    assert len(items) == text.count("Decision rationale:") == 7
    assert [i["rationale"] for i in items] == [f"Reason {n}." for n in range(1, 8)]

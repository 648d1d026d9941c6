"""The seed letter (no header block, trailing spaces) read field by field."""

from __future__ import annotations

import pytest

from ingest.parse import parse_letter


@pytest.fixture(scope="module")
def record(seed_text: str) -> dict:
    return parse_letter(seed_text, source_file="seed-letter.txt", sha256="0" * 64)


def test_letter_fields(record: dict) -> None:
    assert record["source_file"] == "seed-letter.txt"
    assert record["sha256"] == "0" * 64
    assert record["case_number"] is None
    assert record["decision_date"] is None
    assert record["date_assigned"] is None
    assert record["application_received"] is None
    assert record["priority"] is None
    # No header: injury date and UR date come from the summary's prose.
    assert record["date_of_injury"] == "2013-08-13"
    assert record["ur_denial_date"] == "2014-11-18"
    assert record["reviewer_licensure"] == ["TX", "CA"]
    assert record["reviewer_specialties"] == ["Family Practice"]
    assert record["patient_age"] == 63
    assert record["patient_sex"] == "female"
    assert record["diagnoses"] == [
        "cervical disc displacement (herniated nucleus pulposus)",
        "cervical spine degenerative disc disease",
    ]
    assert record["determination"] == "partially overturned"


def test_exactly_the_contract_fields(record: dict) -> None:
    assert list(record) == [
        "source_file",
        "sha256",
        "case_number",
        "decision_date",
        "date_assigned",
        "date_of_injury",
        "ur_denial_date",
        "application_received",
        "priority",
        "reviewer_licensure",
        "reviewer_specialties",
        "patient_age",
        "patient_sex",
        "diagnoses",
        "determination",
        "items",
    ]
    for item in record["items"]:
        assert list(item) == [
            "ordinal",
            "treatment",
            "original_request",
            "decision",
            "claims_administrator_citations",
            "reviewer_citations",
            "rationale",
        ]


def test_first_item(record: dict) -> None:
    item = record["items"][0]
    assert item["ordinal"] == 1
    assert item["treatment"] == "MRI of the Cervical Spine"
    assert item["original_request"] is None
    assert item["decision"] == "upheld"
    mtus = {
        "source": "MTUS",
        "family": "MTUS",
        "title": "Neck and Upper Back Complaints",
        "year": "2004",
        "sections": "Special Studies",
        "text": "Decision based on MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies.",
    }
    assert item["claims_administrator_citations"] == [mtus]
    assert item["reviewer_citations"] == [
        mtus,
        {
            "source": "NON_MTUS",
            "family": "ODG",
            "title": "Official Disability Guidelines (ODG) Chapter: Neck & Upper Back (updated 06/25/15), Magnetic resonance imaging (MRI)",
            "year": None,
            "sections": None,
            "text": "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Chapter: Neck & "
            "Upper Back (updated 06/25/15), Magnetic resonance imaging (MRI).",
        },
    ]
    assert item["rationale"].startswith("MRI of the Cervical Spine. The ACOEM guidelines recommend MRI or CT")
    assert item["rationale"].endswith("is not medically necessary for this patient.")


def test_second_item(record: dict) -> None:
    item = record["items"][1]
    assert item["ordinal"] == 2
    assert item["treatment"] == "X-Rays of the Cervical Spine with AP, lateral, flexion and extension views"
    assert item["decision"] == "overturned"
    assert [c["title"] for c in item["reviewer_citations"]] == ["Neck and Upper Back Complaints"]
    assert item["rationale"].endswith("is medically appropriate and necessary for this patient.")
    assert "  " not in item["rationale"]
    assert len(record["items"]) == 2


def test_line_endings_do_not_matter(seed_text: str, record: dict) -> None:
    crlf = seed_text.replace("\n", "\r\n")
    cr = seed_text.replace("\n", "\r")
    paged = seed_text.replace("CLINICAL CASE SUMMARY", "\fCLINICAL CASE SUMMARY")
    for variant in (crlf, cr, paged):
        assert parse_letter(variant, source_file="seed-letter.txt", sha256="0" * 64) == record


def test_licensure_lists_written_other_ways(seed_text: str) -> None:
    for written, codes in (
        ("Texas, Ohio and California", ["TX", "OH", "CA"]),
        ("Iowa; Utah", ["IA", "UT"]),
        ("New York & New Jersey", ["NY", "NJ"]),
        ("CA, NV", ["CA", "NV"]),
    ):
        text = seed_text.replace("State(s) of Licensure: Texas, California", f"State(s) of Licensure: {written}")
        assert parse_letter(text)["reviewer_licensure"] == codes


def test_age_written_as_y_o(seed_text: str) -> None:
    text = seed_text.replace("This is a 63 year old female patient", "This is a 63 y/o female patient")
    record = parse_letter(text)
    assert (record["patient_age"], record["patient_sex"]) == (63, "female")

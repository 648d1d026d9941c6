"""The summary's diagnosis sentence split into diagnoses, on phrasings taken from real letters."""

from __future__ import annotations

import pytest

from ingest.parse.summary import diagnoses


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # A plain list splits on commas and "and".
        (
            "The injured worker is undergoing treatment for a lumbar strain, right shoulder strain and contusion of the right elbow.",
            ["lumbar strain", "right shoulder strain", "contusion of the right elbow"],
        ),
        # ICD titles keep their inner commas and "and".
        (
            "Diagnoses include cervicalgia, strain of muscle, fascia and tendon at neck level, strain of right knee.",
            ["cervicalgia", "strain of muscle, fascia and tendon at neck level", "strain of right knee"],
        ),
        (
            "The injured worker is undergoing treatments for unspecified sprain of right shoulder joint and sprain of "
            "joints and ligaments of other parts of neck.",
            ["unspecified sprain of right shoulder joint", "sprain of joints and ligaments of other parts of neck"],
        ),
        (
            "The diagnosis is documented as fracture of unspecified parts of the lumbosacral spine and pelvis, and "
            "radiculopathy, lumbosacral region.",
            ["fracture of unspecified parts of the lumbosacral spine and pelvis", "radiculopathy, lumbosacral region"],
        ),
        # Places before a condition belong to it; places after "of" continue its list, "and" kept as written.
        ("The worker is undergoing treatment for neck, back and shoulder pain.", ["neck, back and shoulder pain"]),
        ("The worker is undergoing treatment for injury of the back and left ankle.", ["injury of the back and left ankle"]),
        (
            "The worker is being treated for contusion of face, scalp and neck and acute cervical sprain.",
            ["contusion of face, scalp and neck", "acute cervical sprain"],
        ),
        ("The diagnosis is documented as left knee medial and lateral meniscus tear.", ["left knee medial and lateral meniscus tear"]),
        (
            "The injured worker is undergoing treatments for cervical spine radiculitis, thoracic and lumbar spine sprain "
            "and strain, myalgia.",
            ["cervical spine radiculitis", "thoracic and lumbar spine sprain and strain", "myalgia"],
        ),
        # Semicolons separate diagnoses whatever their commas; "; and" starts no diagnosis with "and".
        (
            "The diagnoses are documented as cervicalgia; carpal tunnel syndrome, left upper limb; strain of muscle, "
            "fascia, and tendon at neck level; and pain, unspecified.",
            [
                "cervicalgia",
                "carpal tunnel syndrome, left upper limb",
                "strain of muscle, fascia, and tendon at neck level",
                "pain, unspecified",
            ],
        ),
    ],
)
def test_diagnosis_lists(summary: str, expected: list[str]) -> None:
    assert diagnoses(summary) == expected


def test_sprain_and_strain_and_lone_conditions_stay_with_their_diagnosis() -> None:
    summary = (
        "The injured worker is being treated for cervical sprain and strain, right knee contusion and "
        "injury, and thoracic and lumbar spine sprain and strain."
    )
    assert diagnoses(summary) == [
        "cervical sprain and strain",
        "right knee contusion and injury",
        "thoracic and lumbar spine sprain and strain",
    ]


def test_a_claim_is_read_only_when_no_sentence_lists_diagnoses() -> None:
    claim = "The applicant filed a claim for hand pain reportedly associated with an industrial injury of October 11, 2016."
    assert diagnoses(claim) == ["hand pain"]
    later = " The attending provider gave the applicant diagnoses of right-sided cubital tunnel syndrome, and sprain of the left wrist."
    assert diagnoses(claim + later) == ["right-sided cubital tunnel syndrome", "sprain of the left wrist"]


def test_a_sentence_ends_at_a_full_stop_with_no_space_after_it() -> None:
    summary = (
        "The diagnoses include open wound of right thumb, possible right thumb foreign body, and right thumb "
        "post-operative infection.The progress report dated 12-09-2016 is reviewed."
    )
    assert diagnoses(summary) == [
        "open wound of right thumb",
        "possible right thumb foreign body",
        "right thumb post-operative infection",
    ]
    claim = "The applicant has filed a claim for knee pain reportedly associated with an injury of October 24, 2016.In a report"
    assert diagnoses(claim) == ["knee pain"]


def test_plural_strains_and_sprains_stay_one_diagnosis() -> None:
    summary = "The patient is being treated for strains and sprains injuries sustained cervical and lumbar spine."
    assert diagnoses(summary) == ["strains and sprains injuries sustained cervical and lumbar spine"]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "The worker is undergoing treatment for persistent left sided neck and shoulder pain, persistent left knee pain.",
            ["persistent left sided neck and shoulder pain", "persistent left knee pain"],
        ),
        (
            "The worker is undergoing treatment for right shoulder impingement and rule out cervical and lumbar spine "
            "herniated nucleus pulposus.",
            ["right shoulder impingement", "rule out cervical and lumbar spine herniated nucleus pulposus"],
        ),
    ],
)
def test_a_qualified_place_joins_the_condition_after_it(summary: str, expected: list[str]) -> None:
    assert diagnoses(summary) == expected


def test_a_list_after_documented_is_starts_after_it() -> None:
    summary = "The current diagnoses are documented is other specific injury of the muscle, fascia, tendon of the right hip."
    assert diagnoses(summary) == ["other specific injury of the muscle, fascia, tendon of the right hip"]


def test_no_diagnosis_sentence_gives_an_empty_list() -> None:
    assert diagnoses("The injured worker is a 45 year old male. He reports pain.") == []

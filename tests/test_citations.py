"""Guideline paragraphs to citations."""

from __future__ import annotations

from ingest.parse.citations import parse_citations


def _short(paragraph: str) -> list[tuple]:
    return [(c["source"], c["family"], c["title"], c["year"], c["sections"]) for c in parse_citations(paragraph)]


def test_no_evidence_is_an_empty_list() -> None:
    assert parse_citations("The Claims Administrator did not cite any medical evidence for its decision.") == []
    assert parse_citations("") == []


def test_outside_mtus_sentence_is_not_a_citation() -> None:
    paragraph = (
        "The Claims Administrator based their decision on recommendation(s) outside of the MTUS\n"
        "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Pain."
    )
    assert _short(paragraph) == [("NON_MTUS", "ODG", "Official Disability Guidelines (ODG), Pain", None, None)]


def test_several_sentences_in_one_paragraph() -> None:
    paragraph = (
        "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies. Decision based on\n"
        "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter."
    )
    citations = parse_citations(paragraph)
    assert _short(paragraph) == [
        ("MTUS", "MTUS", "Low Back Complaints", "2004", "Special Studies"),
        ("NON_MTUS", "ODG", "Official Disability Guidelines (ODG), Low Back Chapter", None, None),
    ]
    assert citations[1]["text"] == ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter.")


def test_several_chapters_in_one_sentence_share_the_text() -> None:
    sentence = (
        "Decision based on MTUS Elbow Complaints 2007, Section(s): 326, and Chronic Pain Medical\n"
        "Treatment 2016, Section(s): Physical medicine treatment."
    )
    citations = parse_citations(sentence)
    assert _short(sentence) == [
        ("MTUS", "MTUS", "Elbow Complaints", "2007", "326"),
        ("MTUS", "MTUS", "Chronic Pain Medical Treatment", "2016", "Physical medicine treatment"),
    ]
    assert {c["text"] for c in citations} == {" ".join(sentence.split())}


def test_sections_with_commas_and_chapters_with_and() -> None:
    assert _short(
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs, GI symptoms &\n"
        "cardiovascular risk, Proton Pump Inhibitors (PPIs)."
    ) == [
        (
            "MTUS",
            "MTUS",
            "Chronic Pain Medical Treatment",
            "2016",
            "NSAIDs, GI symptoms & cardiovascular risk, Proton Pump Inhibitors (PPIs)",
        )
    ]
    assert _short("Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004.") == [
        ("MTUS", "MTUS", "Forearm, Wrist, and Hand Complaints", "2004", None)
    ]
    assert _short("Decision based on MTUS Shoulder Complaints 2004, and Low Back Complaints 2004.") == [
        ("MTUS", "MTUS", "Shoulder Complaints", "2004", None),
        ("MTUS", "MTUS", "Low Back Complaints", "2004", None),
    ]


def test_guidelines_word_after_year_is_not_part_of_the_title() -> None:
    assert _short(
        "Decision based on MTUS Chronic Pain Medical Treatment 2016 Guidelines, Section(s): Antidepressants for chronic pain."
    ) == [("MTUS", "MTUS", "Chronic Pain Medical Treatment", "2016", "Antidepressants for chronic pain")]


def test_numbered_sections_keep_their_periods() -> None:
    (citation,) = parse_citations(
        "Decision based on MTUS Opioid Treatment 2016, Section(s): 3. Opioids for Chronic Pain and Chronic "
        "Opioid Treatment: Overview of Recommendations Regarding Chronic Opioid Treatment."
    )
    assert citation["sections"] == (
        "3. Opioids for Chronic Pain and Chronic Opioid Treatment: Overview of Recommendations Regarding Chronic Opioid Treatment"
    )


def test_families() -> None:
    assert [
        c["family"]
        for c in parse_citations(
            "Decision based on Non-MTUS Citation ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Low Back "
            "Disorders, pg. 607. Decision based on Non-MTUS Citation American College of Occupational and "
            "Environmental Medicine (ACOEM) Pain, Suffering, and the Restoration of Function Chapter. Decision "
            "based on Non-MTUS Citation Official Disability Guidelines (ODG) Hips and Pelvis, MRI and Other Medical "
            "Treatment Guidelines ACOEM Hip and Groin Disorders. Decision based on Non-MTUS Citation Medicare "
            "Physicians Fee Schedule (MPFS). Decision based on Non-MTUS Official Disability Guidelines (ODG), Pain."
        )
    ] == ["ACOEM", "ACOEM", "ODG", "OTHER", "ODG"]

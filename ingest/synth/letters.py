"""Synthetic IMR letters in the real layout, with the true record of each.

They are the embedded default of the main job on a machine without real letters, the tests'
letters, and the scale benchmarks' input. Every letter is labelled SYNTHETIC in its header, and
its case number uses the "CM99" year, which no real letter has. Distributions follow the real
corpus and DWC's published mix: about one item in nine overturned, pharmaceuticals the largest
service category, 1-20 items a letter (mostly one to three).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imr.project import seed as seed_csv
from ingest.extract.files import sha256_of
from ingest.parse.states import USPS
from ingest.record import Citation

WIDTH = 95
SYNTHETIC_YEAR = 99

# (DWC category, share of requests, overturn rate, treatments, MTUS chapter, sections)
_SERVICES: list[tuple[str, float, float, list[str], str, list[str]]] = [
    (
        "Pharmaceuticals",
        0.42,
        0.08,
        [
            "Norco 10/325mg #60",
            "Tramadol 50mg #90",
            "Cyclobenzaprine 7.5mg #60",
            "Omeprazole 20mg #30",
            "Naproxen 550mg #60",
            "Gabapentin 300mg #90",
            "Lidoderm 5% patch #30",
            "Ibuprofen 800mg #90",
            "Flurbiprofen 20%, Baclofen 5%, Lidocaine 5% in cream base",
            "Tizanidine 4mg #60",
            "Duloxetine 30mg #30",
            "Zolpidem 10mg #30",
            "Celecoxib 200mg #30",
            "Pantoprazole 20mg #60",
        ],
        "Chronic Pain Medical Treatment",
        [
            "Opioids, criteria for use",
            "Muscle relaxants (for pain)",
            "NSAIDs, GI symptoms & cardiovascular risk",
            "Topical analgesics",
            "Anti-epilepsy drugs (AEDs)",
            "Antidepressants for chronic pain",
        ],
    ),
    (
        "Rehabilitation",
        0.18,
        0.10,
        [
            "Physical therapy 2 times a week for 6 weeks for the lumbar spine",
            "Chiropractic treatment 8 sessions",
            "Acupuncture 6 sessions for the cervical spine",
            "Occupational therapy 12 sessions for the right wrist",
            "Aquatic therapy 2 times a week for 4 weeks",
        ],
        "Chronic Pain Medical Treatment",
        ["Physical medicine treatment", "Manual therapy & manipulation"],
    ),
    (
        "Diagnostic Testing",
        0.15,
        0.09,
        [
            "MRI of the lumbar spine without contrast",
            "MRI of the right shoulder",
            "EMG/NCV of the bilateral upper extremities",
            "X-rays of the cervical spine",
            "Urine drug screen",
            "CT scan of the left knee",
        ],
        "Low Back Complaints",
        ["Special Studies", "Diagnostic Criteria"],
    ),
    (
        "DMEPOS",
        0.08,
        0.07,
        [
            "TENS unit purchase",
            "Lumbar support brace",
            "Cold therapy unit rental for 7 days",
            "Home exercise kit",
        ],
        "Chronic Pain Medical Treatment",
        ["TENS, chronic pain (transcutaneous electrical nerve stimulation)", "Durable medical equipment"],
    ),
    (
        "Injection",
        0.05,
        0.12,
        [
            "Lumbar epidural steroid injection at L4-5",
            "Right knee cortisone injection",
            "Trigger point injections x4",
        ],
        "Low Back Complaints",
        ["Physical Methods", "Surgical Considerations"],
    ),
    (
        "Surgery",
        0.05,
        0.15,
        [
            "Right shoulder arthroscopy with subacromial decompression",
            "Left carpal tunnel release",
            "Associated surgical service: Post-operative physical therapy 12 sessions",
            "Lumbar laminectomy at L5-S1",
        ],
        "Shoulder Complaints",
        ["Surgical Considerations"],
    ),
    (
        "Evaluation & Management",
        0.04,
        0.25,
        [
            "Follow-up visit with pain management",
            "Orthopedic consultation",
            "Office visit times 3",
        ],
        "General Approaches",
        ["Cornerstones of Disability Prevention and Management"],
    ),
    (
        "Psych Services",
        0.02,
        0.22,
        [
            "Cognitive behavioral therapy 6 sessions",
            "Psychological evaluation",
        ],
        "Stress-Related Conditions",
        ["Treatment"],
    ),
    (
        "Programs",
        0.01,
        0.20,
        ["Functional restoration program 80 hours", "Home health aide 4 hours per day for 2 weeks"],
        "Chronic Pain Medical Treatment",
        ["Functional restoration programs (FRPs)"],
    ),
]
_YEARS = {
    "Chronic Pain Medical Treatment": "2016",
    "Low Back Complaints": "2004",
    "Shoulder Complaints": "2004",
    "General Approaches": "2004",
    "Stress-Related Conditions": "2004",
}
_ODG = [
    "Official Disability Guidelines (ODG), Pain (Chronic) Chapter",
    "Official Disability Guidelines (ODG) Low Back Chapter",
    "Official Disability Guidelines (ODG), Shoulder, Magnetic resonance imaging (MRI)",
    "ODG Neck and Upper Back (Acute & Chronic), Physical therapy",
]
_OTHER = ["ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Low Back Disorders", "UpToDate, Evaluation of chronic pain in adults"]
_DIAGNOSES = [
    "lumbar strain",
    "cervical sprain",
    "right shoulder impingement syndrome",
    "lumbar radiculopathy",
    "left knee contusion",
    "carpal tunnel syndrome",
    "chronic pain syndrome",
    "major depressive disorder",
    "thoracic sprain",
    "right wrist tendinitis",
    "post-concussion syndrome",
    "left ankle sprain",
]
_STATES = ["California"] * 8 + ["Texas", "New York", "Florida", "Pennsylvania", "North Carolina", "Arizona", "Ohio"]
_UPHELD_REASONS = [
    "The guidelines recommend this treatment only when there is documented objective functional improvement.",
    "The submitted records do not document a trial of first-line conservative care.",
    "There is no evidence of red flag findings or a progressive neurologic deficit.",
    "The requested quantity exceeds the number of sessions the guidelines support.",
    "Long-term use is not supported and no taper plan was documented.",
]
_OVERTURNED_REASONS = [
    "The records document objective functional improvement with prior treatment.",
    "Conservative care has failed and the examination shows a clear neurologic deficit.",
    "The treating physician documented the indications the guidelines require.",
]


@dataclass(frozen=True)
class SyntheticLetter:
    """One generated letter: its file name, its text and the record the parser must give."""

    name: str
    text: str
    record: dict[str, Any]


def _specialties() -> tuple[list[str], list[float]]:
    with seed_csv("dwc_reviewer_specialties").open(encoding="utf-8") as seed:
        rows = list(csv.DictReader(seed))
    return [row["specialty"] for row in rows], [float(row["synthetic_weight"]) for row in rows]


def generate(count: int, seed: int = 0) -> Iterator[SyntheticLetter]:
    """`count` letters, the same for the same seed."""
    rng = random.Random(seed)
    specialties = _specialties()
    for number in range(count):
        yield _letter(rng, specialties, f"CM{SYNTHETIC_YEAR}-{seed % 100:02d}{number:05d}")


def _letter(rng: random.Random, specialties: tuple[list[str], list[float]], case: str) -> SyntheticLetter:
    injury = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(2500))
    ur_denial = injury + dt.timedelta(days=rng.randrange(20, 400))
    received = ur_denial + dt.timedelta(days=rng.randrange(1, 30))
    assigned = received + dt.timedelta(days=rng.randrange(1, 10))
    decided = assigned + dt.timedelta(days=rng.randrange(5, 30))
    priority = "Expedited" if rng.random() < 0.03 else "Standard"
    states = list(dict.fromkeys(rng.choice(_STATES) for _ in range(rng.choice([1, 1, 2, 3]))))
    names, weights = specialties
    chosen = list(dict.fromkeys(rng.choices(names, weights, k=rng.choice([1, 2, 2, 3]))))
    age, sex = rng.randrange(19, 75), rng.choice(["female", "male"])
    diagnoses = rng.sample(_DIAGNOSES, rng.randrange(1, 4))
    items = [_item(rng, ordinal, decided) for ordinal in range(1, _item_count(rng) + 1)]
    decisions = {item["decision"] for item in items}

    lines = _header(case, assigned, decided, priority, injury, ur_denial, received)
    lines += [
        "",
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        *_wrap(
            "MAXIMUS Federal Services sent the complete case file to an expert reviewer. This letter is "
            "SYNTHETIC: generated for testing, it describes no real person or decision."
        ),
        "The Expert Reviewer has the following credentials:",
        *_wrap("State(s) of Licensure: " + ",".join(states)),
        *_wrap("Certification(s)/Specialty: " + ", ".join(chosen)),
        "",
        "CLINICAL CASE SUMMARY",
        *_wrap(
            f"The injured worker is a {age} year old {sex}, who sustained an industrial injury on "
            f"{injury.month}-{injury.day}-{injury.year % 100:02d}. The diagnoses include "
            f"{_series(diagnoses)}. On {ur_denial.month}-{ur_denial.day}-{ur_denial.year % 100:02d}, "
            "utilization review non-certified the requests."
        ),
        "",
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "The Final Determination was based on decisions for the disputed items/services set forth below:",
    ]
    for item in items:
        lines += item.pop("_lines")
    text = "\n".join(lines) + "\n"
    name = f"{case}.txt"
    record = {
        "source_file": name,
        "sha256": sha256_of(text.encode("utf-8")),
        "case_number": case,
        "decision_date": decided.isoformat(),
        "date_assigned": assigned.isoformat(),
        "date_of_injury": injury.isoformat(),
        "ur_denial_date": ur_denial.isoformat(),
        "application_received": received.isoformat(),
        "priority": priority,
        "reviewer_licensure": [USPS[state] for state in states],
        "reviewer_specialties": chosen,
        "patient_age": age,
        "patient_sex": sex,
        "diagnoses": diagnoses,
        "determination": decisions.pop() if len(decisions) == 1 else "partially overturned",
        "items": items,
    }
    return SyntheticLetter(name=name, text=text, record=record)


def _item_count(rng: random.Random) -> int:
    """1-20 items, mostly one to three (mean about 2.2, as in the corpus)."""
    return min(20, 1 + int(rng.expovariate(0.6)))


def _header(
    case: str, assigned: dt.date, decided: dt.date, priority: str, injury: dt.date, ur_denial: dt.date, received: dt.date
) -> list[str]:
    def us(day: dt.date) -> str:
        return day.strftime("%m/%d/%Y")

    return [
        f"Case Number:          {case}",
        f"Date Assigned:        {us(assigned):<32}Date of Injury:      {us(injury)}",
        f"Decision Date:        {us(decided):<32}UR Denial Date:      {us(ur_denial)}",
        f"Priority:             {priority:<32}Application          {us(received)}",
        f"{'':54}Received:",
    ]


def _item(rng: random.Random, ordinal: int, decided: dt.date) -> dict[str, Any]:
    category, _, overturn_rate, treatments, chapter, sections = rng.choices(_SERVICES, [service[1] for service in _SERVICES])[0]
    treatment = rng.choice(treatments)
    if rng.random() < 0.05:
        day = decided - dt.timedelta(days=rng.randrange(30, 90))
        treatment = f"Retrospective {treatment} (DOS {day.month}/{day.day}/{day.year % 100:02d})"
    decision = "overturned" if rng.random() < overturn_rate else "upheld"
    original = None
    header = f"{treatment}: {decision.capitalize()}"
    if category == "Rehabilitation" and rng.random() < 0.15:
        original = f"{treatment}, 12 sessions"
        header = (
            f"{original} was the original request. {treatment}, 6 sessions was authorized by the Claims "
            f"Administrator. The remaining IMR eligible portion of the original request, {treatment}, "
            f"6 sessions is: {decision.capitalize()}"
        )
        treatment = f"{treatment}, 6 sessions"
    ca_sentences, ca = _citations(rng, chapter, sections, "Claims Administrator")
    reviewer_sentences, reviewer = _citations(rng, chapter, sections, "Expert Reviewer")
    reasons = _OVERTURNED_REASONS if decision == "overturned" else _UPHELD_REASONS
    verdict = "is medically necessary" if decision == "overturned" else "is not medically necessary"
    rationale = " ".join(rng.sample(reasons, 2)) + f" Therefore, the request for {treatment} {verdict}."
    lines = [
        *_wrap(header),
        *_wrap("Claims Administrator guideline: " + ca_sentences),
        *_wrap("MAXIMUS guideline: " + reviewer_sentences),
        *_wrap("Decision rationale: " + rationale),
    ]
    return {
        "ordinal": ordinal,
        "treatment": treatment,
        "original_request": original,
        "decision": decision,
        "claims_administrator_citations": ca,
        "reviewer_citations": reviewer,
        "rationale": rationale,
        "_lines": lines,
    }


def _citations(rng: random.Random, chapter: str, sections: list[str], party: str) -> tuple[str, list[Citation]]:
    """A guideline paragraph and the citations it holds."""
    roll = rng.random()
    if roll < 0.12:
        return f"The {party} did not cite any medical evidence for its decision.", []
    sentences: list[str] = []
    citations: list[Citation] = []
    if roll < 0.25:
        sentences.append(f"The {party} based their decision on recommendation(s) outside of the MTUS Guidelines.")
    else:
        year, section = _YEARS[chapter], rng.choice(sections)
        text = f"Decision based on MTUS {chapter} {year}, Section(s): {section}."
        sentences.append(text)
        citations.append({"source": "MTUS", "family": "MTUS", "title": chapter, "year": year, "sections": section, "text": text})
    if roll < 0.25 or rng.random() < 0.4:
        title, family = (rng.choice(_ODG), "ODG") if rng.random() < 0.85 else (rng.choice(_OTHER), None)
        family = family or ("ACOEM" if title.startswith("ACOEM") else "OTHER")
        text = f"Decision based on Non-MTUS Citation {title}."
        sentences.append(text)
        citations.append({"source": "NON_MTUS", "family": family, "title": title, "year": None, "sections": None, "text": text})
    return " ".join(sentences), citations


def _series(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _wrap(paragraph: str) -> list[str]:
    return textwrap.wrap(paragraph, WIDTH, break_long_words=False, break_on_hyphens=False)


def write(out: Path, count: int, seed: int = 0, pdf: bool = False) -> int:
    """Write `count` letters (text, or PDF) and truth.jsonl into `out`; returns how many."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for letter in generate(count, seed):
            record = dict(letter.record)
            if pdf:
                from ingest.synth.pdf import letter_pdf  # reportlab loads only when PDFs are asked for

                data = letter_pdf(letter.text)
                record["source_file"] = letter.name.replace(".txt", ".pdf")
            else:
                data = letter.text.encode("utf-8")
            record["sha256"] = sha256_of(data)
            (out / record["source_file"]).write_bytes(data)
            truth.write(json.dumps(record) + "\n")
            written += 1
    return written

"""The service classification against careful human reading: the 439 real items as the warehouse
classifies them, and unseen wordings of the same requests as the seed's rules classify them.

The hand labels (tests/data/handchecked_services.json) read every real item against the state's
vocabulary; the cases (tests/data/service_generalization_cases.tsv) are wordings no real letter
has, each a request a rule should catch ("target") or a near miss that must keep its class
("control"), such as a surgeon's consultation named by the operation.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from imr.orchestrate.engines import Build
from tests.helpers import first_rule, load_rules

DATA = Path(__file__).parent / "data"
# The bar: the warehouse agrees with a careful reading of the real letters this often.
AGREEMENT = 0.95


@pytest.fixture(scope="module")
def classified(corpus_warehouse: Build) -> dict[tuple[str, int], tuple[str, str, str, str | None]]:
    """(treatment, category, subcategory, drug class) of every real item, by (case, ordinal)."""
    with duckdb.connect(str(corpus_warehouse.live), read_only=True) as con:
        rows = con.execute(
            "select case_number, item_ordinal, treatment, service_category, service_subcategory, drug_class from marts.fct_imr_decisions"
        ).fetchall()
    return {(case, ordinal): rest for case, ordinal, *rest in rows}


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return json.loads((DATA / "handchecked_services.json").read_text(encoding="utf-8"))["items"]


def test_hand_labels_cover_every_real_item(classified: dict, labels: list[dict]) -> None:
    assert {(label["case_number"], label["item_ordinal"]): label["treatment"] for label in labels} == {
        key: treatment for key, (treatment, *_) in classified.items()
    }


@pytest.mark.parametrize("level", ["category", "category and subcategory", "drug class"])
def test_real_items_agree_with_careful_reading(classified: dict, labels: list[dict], level: str) -> None:
    def pick(category: str, subcategory: str, drug_class: str | None) -> tuple[str | None, ...]:
        return {"category": (category,), "category and subcategory": (category, subcategory), "drug class": (drug_class,)}[level]

    checked = [label for label in labels if level != "drug class" or label.get("drug_class")]
    disagreements = []
    for label in checked:
        _, *warehouse = classified[(label["case_number"], label["item_ordinal"])]
        expected = pick(label["category"], label["subcategory"], label.get("drug_class"))
        if pick(*warehouse) != expected:
            disagreements.append(
                f"{label['case_number']}/{label['item_ordinal']} {label['treatment']!r}: {pick(*warehouse)} not {expected}"
            )
    agreement = 1 - len(disagreements) / len(checked)
    assert agreement >= AGREEMENT, f"{level}: {agreement:.1%} agreement; disagreements:\n" + "\n".join(disagreements)


def _cases() -> list[dict[str, str]]:
    with (DATA / "service_generalization_cases.tsv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


@pytest.mark.parametrize("case", sorted({row["case"] for row in _cases()}))
def test_unseen_wordings_are_classified_as_a_careful_reader_would(case: str) -> None:
    """The seed's rules applied in Python, as the warehouse applies them (first match by priority;
    no subcategory reads as Other)."""
    rules = load_rules("service_taxonomy")
    wrong = []
    for row in _cases():
        if row["case"] != case:
            continue
        rule = first_rule(row["treatment"], rules)
        found = (rule["service_category"], rule["service_subcategory"] or "Other") if rule else ("Other", "Other")
        if found != (row["expected_category"], row["expected_subcategory"]):
            wrong.append(f"{row['kind']} {row['treatment']!r}: {found} [{rule and rule['rule_id']}]")
    assert not wrong, "\n".join(wrong)

"""Drug fields and diagnosis groups of the 194 real letters (needs IMR_CORPUS) against labels
written by careful reading, not by the rules: tests/data/drug_handlabels.json holds every
pharmaceutical item (name, strength, quantity), tests/data/diagnosis_handlabels.json every
distinct diagnosis (body region, condition group). The labels were split before the rules were
written (dev: what the rules were written against; holdout: read only at the end), and the
holdout must be read right per field at least MIN_ACCURACY of the time. The marts built on the
rules are then checked against the same labels and against the parsed records."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from imr.home import Home
from imr.orchestrate.engines import Build

DATA = Path(__file__).parent / "data"
DRUG_LABELS: list[dict[str, Any]] = json.loads((DATA / "drug_handlabels.json").read_text(encoding="utf-8"))
DIAGNOSIS_LABELS: list[dict[str, Any]] = json.loads((DATA / "diagnosis_handlabels.json").read_text(encoding="utf-8"))
MIN_ACCURACY = 0.95


@pytest.fixture(scope="module")
def home(corpus_warehouse: Build) -> Path:
    return corpus_warehouse.home


def query(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        return con.execute(sql).fetchall()


def accuracy(pairs: list[tuple[str, Any, Any]]) -> float:
    """Share of (what, got, want) pairs that agree; prints the misses, for the test's output."""
    misses = [(what, got, want) for what, got, want in pairs if got != want]
    for what, got, want in misses:
        print(f"MISS {what!r}: got {got!r}, want {want!r}")
    return 1 - len(misses) / len(pairs)


@pytest.mark.parametrize("field", ["drug_name", "drug_strength", "drug_quantity"])
def test_drug_fields_read_as_a_careful_reader_reads_them(home: Path, field: str) -> None:
    rows = query(home, f"select case_number, item_ordinal, {field} from marts.fct_imr_decisions where service_category = 'Pharmaceuticals'")
    got = {(case, ordinal): value for case, ordinal, value in rows}
    assert set(got) == {(label["case_number"], label["item_ordinal"]) for label in DRUG_LABELS}
    for split in ("dev", "holdout"):
        labels = [label for label in DRUG_LABELS if label["split"] == split]
        share = accuracy([(label["treatment"], got[(label["case_number"], label["item_ordinal"])], label[field]) for label in labels])
        print(f"{field} {split}: {share:.1%} of {len(labels)}")
        assert share >= MIN_ACCURACY, f"{field} on {split}"


@pytest.mark.parametrize("field", ["body_region", "condition_group"])
def test_diagnoses_group_as_a_careful_reader_groups_them(home: Path, field: str) -> None:
    got = dict(query(home, f"select distinct lower(diagnosis), {field} from intermediate.int_letter_diagnoses"))
    assert set(got) == {label["diagnosis"] for label in DIAGNOSIS_LABELS}
    for split in ("dev", "holdout"):
        labels = [label for label in DIAGNOSIS_LABELS if label["split"] == split]
        share = accuracy([(label["diagnosis"], got[label["diagnosis"]], label[field]) for label in labels])
        print(f"{field} {split}: {share:.1%} of {len(labels)}")
        assert share >= MIN_ACCURACY, f"{field} on {split}"


def test_rates_by_drug_name_count_the_labelled_drugs(home: Path) -> None:
    decisions = dict(query(home, "select case_number || '/' || item_ordinal, is_overturned from marts.fct_imr_decisions"))
    expected: Counter[tuple[str, bool]] = Counter()
    for label in DRUG_LABELS:
        expected[(label["drug_name"] or "Not named", decisions[f"{label['case_number']}/{label['item_ordinal']}"])] += 1
    rows = query(home, "select drug_name, decisions, overturned from marts.overturn_rates_by_drug_name")
    names = {name for name, _ in expected}
    assert {name: (n, k) for name, n, k in rows} == {
        name: (expected[(name, False)] + expected[(name, True)], expected[(name, True)]) for name in names
    }


def test_items_count_under_their_letters_first_listed_diagnosis(home: Path, corpus_records: dict[str, dict[str, Any]]) -> None:
    labels = {label["diagnosis"]: label["condition_group"] for label in DIAGNOSIS_LABELS}
    primary = {record["case_number"]: record["diagnoses"][0] if record["diagnoses"] else None for record in corpus_records.values()}
    rows = query(home, "select case_number, primary_diagnosis, primary_diagnosis_condition_group from marts.fct_imr_decisions")
    assert {(case, diagnosis) for case, diagnosis, _ in rows} == {(case, primary[case]) for case, _, _ in rows}
    expected = Counter(labels[diagnosis.lower()] if diagnosis else "No diagnosis" for _, diagnosis, _ in rows)
    mart = dict(query(home, "select condition_group, decisions from marts.overturn_rates_by_condition_group"))
    agreeing = sum(min(count, mart.get(group, 0)) for group, count in expected.items())
    assert sum(mart.values()) == len(rows)
    assert agreeing / len(rows) >= MIN_ACCURACY, (expected, mart)


def test_published_figures_are_compared_over_the_letters_of_their_year(home: Path, corpus_records: dict[str, dict[str, Any]]) -> None:
    items: Counter[int] = Counter()
    overturned: Counter[int] = Counter()
    for record in corpus_records.values():
        for item in record["items"]:
            items[int(record["decision_date"][:4])] += 1
            overturned[int(record["decision_date"][:4])] += item["decision"] == "overturned"
    rows = query(
        home,
        "select data_year, measure, warehouse_decisions, warehouse_count, comparison from marts.published_figures_comparison "
        "where service_category is null",
    )
    assert rows
    for year, measure, n, k, comparison in rows:
        assert n == items[year], (year, measure)
        assert k == (overturned[year] if measure == "overturn_rate" else items[year] - overturned[year]), (year, measure)
        if n == 0:
            assert comparison == "no letters"
        elif n < 30:
            assert comparison == "too few letters"
        else:
            assert comparison in ("consistent", "warehouse lower", "warehouse higher")

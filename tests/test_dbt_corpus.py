"""The warehouse built from the 194 real letters (needs IMR_CORPUS): marts agree with counts
computed in Python from the parsed records, every item is classified, and it validates."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate
from imr.home import Home
from imr.orchestrate.engines import Build


@pytest.fixture(scope="module")
def home(corpus_warehouse: Build) -> Path:
    return corpus_warehouse.home


def query(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_fact_matches_the_parsed_records(home: Path, corpus_records: dict) -> None:
    items = [item for record in corpus_records.values() for item in record["items"]]
    overturned = sum(item["decision"] == "overturned" for item in items)
    assert query(home, "select count(*), sum(case when is_overturned then 1 else 0 end) from marts.fct_imr_decisions") == [
        (len(items), overturned)
    ]
    months = Counter(record["decision_date"][:7] for record in corpus_records.values() for _ in record["items"])
    assert dict(query(home, "select strftime(decision_month, '%Y-%m'), decisions from marts.overturn_rates_by_month")) == dict(months)
    evidence = Counter(bool(item["claims_administrator_citations"]) for item in items)
    assert dict(query(home, "select ca_cited_evidence, decisions from marts.overturn_rates_by_ca_evidence")) == dict(evidence)


def test_every_real_item_is_classified(home: Path) -> None:
    assert query(home, "select treatment from marts.fct_imr_decisions where service_category = 'Other'") == []


def test_known_drugs_map_to_their_class(home: Path) -> None:
    rows = query(home, "select lower(treatment), service_category, drug_class from marts.fct_imr_decisions")
    for treatment, category, drug_class in rows:
        for names, expected in (
            (("norco", "hydrocodone", "tramadol", "ultram"), "opioids"),
            (("cyclobenzaprine", "flexeril", "norflex"), "muscle relaxants"),
        ):
            if any(name in treatment for name in names) and "cream" not in treatment and "%" not in treatment:
                assert (category, drug_class) == ("Pharmaceuticals", expected), treatment


def test_specialties_map_onto_dwc_vocabulary(home: Path) -> None:
    unknown = query(
        home,
        "select distinct reviewer_specialty from marts.fct_imr_decisions "
        "where reviewer_specialty not in (select specialty from reference.dwc_reviewer_specialties)",
    )
    assert unknown == []


def test_real_warehouse_validates(home: Path) -> None:
    report = validate(home)
    assert report.ok, report.table()
    assert not report.warnings, report.table()

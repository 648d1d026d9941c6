"""`imr build` on synthetic letters: the marts agree with counts computed here, in Python, from
the true records; the published file holds only relations that answer, in DuckDB 1.1 too; the
swap is atomic."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from imr.home import STORAGE_VERSION, Home
from imr.orchestrate.build import build
from imr.orchestrate.engines import BuildError, DuckDBEngine, SparkEngine
from imr.project import dbt_project_dir
from ingest.load import ingest
from ingest.synth import write
from tests.helpers import copy_warehouse, first_match, load_rules, relations


@pytest.fixture(scope="module")
def built(synthetic_warehouse: tuple[Path, list[dict]]) -> tuple[Path, list[dict]]:
    return synthetic_warehouse


def query(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_fact_has_one_row_per_item(built: tuple[Path, list[dict]]) -> None:
    home, truth = built
    items = [item for letter in truth for item in letter["items"]]
    assert query(home, "select count(*), sum(case when is_overturned then 1 else 0 end) from marts.fct_imr_decisions") == [
        (len(items), sum(item["decision"] == "overturned" for item in items))
    ]


def test_rates_by_service_category_match_the_seed_rules_applied_in_python(built: tuple[Path, list[dict]]) -> None:
    home, truth = built
    rules = load_rules("service_taxonomy")
    expected: Counter[tuple[str, bool]] = Counter()
    for letter in truth:
        for item in letter["items"]:
            category = first_match(item["treatment"], rules, "service_category", "Other")
            expected[(category, item["decision"] == "overturned")] += 1
    rows = query(home, "select service_category, decisions, overturned from marts.overturn_rates_by_service_category")
    assert {c: (d, o) for c, d, o in rows} == {c: (expected[(c, False)] + expected[(c, True)], expected[(c, True)]) for c, _ in expected}


def test_rates_by_reviewer_guideline_family_and_month(built: tuple[Path, list[dict]]) -> None:
    home, truth = built
    families: Counter[str] = Counter()
    months: Counter[str] = Counter()
    for letter in truth:
        for item in letter["items"]:
            cited = item["reviewer_citations"]
            families[cited[0]["family"] if cited else "None cited"] += 1
            months[letter["decision_date"][:7]] += 1
    rows = query(home, "select guideline_family, sum(decisions) from marts.overturn_rates_by_guideline group by 1")
    assert dict(rows) == dict(families)
    rows = query(home, "select strftime(decision_month, '%Y-%m'), decisions from marts.overturn_rates_by_month")
    assert dict(rows) == dict(months)


def test_rates_by_specialty_and_claims_administrator_evidence(built: tuple[Path, list[dict]]) -> None:
    home, truth = built
    specialties: Counter[str] = Counter()
    evidence: Counter[bool] = Counter()
    for letter in truth:
        for item in letter["items"]:
            specialties[letter["reviewer_specialties"][0]] += 1
            evidence[bool(item["claims_administrator_citations"])] += 1
    assert dict(query(home, "select reviewer_specialty, decisions from marts.overturn_rates_by_specialty")) == dict(specialties)
    assert dict(query(home, "select ca_cited_evidence, decisions from marts.overturn_rates_by_ca_evidence")) == dict(evidence)


def test_rates_and_intervals_are_consistent(built: tuple[Path, list[dict]]) -> None:
    home, _ = built
    rows = query(
        home, "select decisions, overturned, overturn_rate, ci_low, ci_high, is_small_group from marts.overturn_rates_by_service_category"
    )
    for decisions, overturned, rate, low, high, small in rows:
        assert rate == pytest.approx(overturned / decisions)
        assert 0 <= low <= rate <= high <= 1
        assert small == (decisions < 30)


def test_marts_are_documented_in_the_database(built: tuple[Path, list[dict]]) -> None:
    home, _ = built
    undocumented = query(
        home, "select table_name, column_name from duckdb_columns() where schema_name = 'marts' and (comment is null or comment = '')"
    )
    assert undocumented == []


def test_served_file_holds_only_relations_that_answer(built: tuple[Path, list[dict]]) -> None:
    home, truth = built
    _, answers = relations(sys.executable, Home(home).served)
    assert {name: answer for name, answer in answers.items() if isinstance(answer, str)} == {}
    assert not [name for name in answers if name.startswith("staging.")]  # views over the build's raw catalog: dropped
    assert answers["marts.fct_imr_decisions"] == sum(len(letter["items"]) for letter in truth)
    assert query(home, "select count(*) from main.imr_build") == [(1,)]


def test_served_file_opens_in_the_oldest_duckdb(built: tuple[Path, list[dict]], duckdb_oldest: str) -> None:
    served = Home(built[0]).served
    version, answers = relations(duckdb_oldest, served)
    assert version.startswith("1.1.")
    assert answers == relations(sys.executable, served)[1]  # every relation, with the same rows


def test_profile_writes_the_storage_version_readers_open() -> None:
    profile = yaml.safe_load((dbt_project_dir() / "profiles.yml").read_text())
    assert profile["imr"]["outputs"]["duckdb"]["config_options"]["storage_compatibility_version"] == STORAGE_VERSION


def test_readers_keep_the_old_file_while_a_build_swaps_in_the_new(built: tuple[Path, list[dict]], tmp_path: Path) -> None:
    home = copy_warehouse(built[0], tmp_path / "home")
    reader = duckdb.connect(str(Home(home).served), read_only=True)
    before = reader.execute("select count(*) from marts.fct_imr_decisions").fetchall()
    more = tmp_path / "more"
    write(more, 20, seed=43)
    ingest([more], home)
    build(home, quiet=True)
    assert reader.execute("select count(*) from marts.fct_imr_decisions").fetchall() == before
    reader.close()
    assert query(home, "select count(*) from marts.fct_imr_decisions")[0][0] > before[0][0]


@pytest.mark.parametrize("target", [DuckDBEngine.name, SparkEngine.name])
def test_build_without_raw_data_fails_clearly(tmp_path: Path, target: str) -> None:
    with pytest.raises(BuildError, match="run `imr ingest` first"):
        build(tmp_path, target=target)


def test_docs_generate_offline(built: tuple[Path, list[dict]]) -> None:
    home, _ = built
    result = DuckDBEngine(Home(home)).dbt("docs", "generate", quiet=True)
    assert result.returncode == 0, result.stdout[-2000:]
    catalog = json.loads((Home(home).dbt_artifacts / "catalog.json").read_text())
    assert any(key.endswith("fct_imr_decisions") for key in catalog["nodes"])


def test_large_warehouses_build_one_dbt_node_at_a_time(synthetic_warehouse: tuple[Path, list], monkeypatch: pytest.MonkeyPatch) -> None:
    home, _ = synthetic_warehouse
    assert DuckDBEngine(Home(home)).threads() == []  # 300 letters: the profile's two threads
    monkeypatch.setattr("imr.orchestrate.engines.duckdb.ONE_THREAD_FROM_LETTERS", 300)
    assert DuckDBEngine(Home(home)).threads() == ["--threads", "1"]

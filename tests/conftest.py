"""Shared fixtures: the bundled seed letter and, when IMR_CORPUS is set, the real letters."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from imr.orchestrate.build import build
from imr.orchestrate.engines import Build
from ingest.process import parse_file

# A pytest-xdist worker runs under a bare __main__ (no __spec__, no __file__), which
# pyspark.sql.connect, imported by Great Expectations, takes for a doctest run, and exits the
# worker, unless the session looks interactive (sys.ps1, read by nothing else this suite loads).
# Giving __main__ a __file__ instead would make spawned ingest workers run that file.
if os.environ.get("PYTEST_XDIST_WORKER") and not hasattr(sys, "ps1"):
    sys.ps1 = ">>> "


@pytest.fixture(scope="session")
def chromium() -> str:
    """Headless Chromium, to see a page as a reader's browser draws it (.ci/run installs it)."""
    import shutil

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing in CI (.ci/run installs it)")
        pytest.skip("chromium not installed")
    return found


@pytest.fixture(scope="session")
def seed_text() -> str:
    return resources.files("imr.data").joinpath("seed-letter.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real letters; CI sets IMR_CORPUS, so there a missing corpus fails instead of skipping."""
    value = os.environ.get("IMR_CORPUS")
    if not value:
        if os.environ.get("CI"):
            pytest.fail("IMR_CORPUS is not set in CI: the real-letter tests must run there")
        pytest.skip("IMR_CORPUS not set: real-letter tests need ../shared/corpus/dwc-imr-letters/pdf")
    path = Path(value)
    if not any(path.glob("*.pdf")):
        pytest.fail(f"IMR_CORPUS={path} holds no PDF letters")
    return path


@pytest.fixture(scope="session")
def corpus_pdfs(corpus_dir: Path) -> list[Path]:
    return sorted(corpus_dir.glob("*.pdf"))


@pytest.fixture(scope="session")
def corpus_records(corpus_pdfs: list[Path]) -> dict[str, dict[str, Any]]:
    """Every real letter's record by case file stem (parsed once per session)."""
    records = {path.stem: parse_file(path) for path in corpus_pdfs}
    failed = [str(record) for record in records.values() if not isinstance(record, dict)]
    assert not failed, failed
    return records


@pytest.fixture(scope="session")
def corpus_warehouse(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The real letters ingested and built on DuckDB once per session, with what dbt did. Shared:
    a test may add files beside the databases (validation results, a Spark build) but not change them."""
    from ingest.load import ingest

    home = tmp_path_factory.mktemp("corpus-home")
    ingest([corpus_dir], home)
    return build(home, quiet=True)


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 synthetic text letters and their truth.jsonl (seed 11), written once per session."""
    from ingest.synth import write

    out = tmp_path_factory.mktemp("synthetic")
    write(out, 120, seed=11)
    return out


@pytest.fixture
def letters_dir(tmp_path: Path, synthetic_dir: Path) -> Path:
    """A private copy of the synthetic letters, free to add bad files to."""
    import shutil

    target = tmp_path / "letters"
    shutil.copytree(synthetic_dir, target, ignore=shutil.ignore_patterns("truth.jsonl"))
    return target


@pytest.fixture(scope="session")
def synthetic_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """300 synthetic letters (seed 42) ingested and built once per session, with their truth.
    Read-only for the tests that share it: a test that changes a warehouse copies it first."""
    import json

    from ingest.load import ingest
    from ingest.synth import write

    letters, home = tmp_path_factory.mktemp("shared-letters"), tmp_path_factory.mktemp("shared-home")
    write(letters, 300, seed=42)
    ingest([letters], home)
    build(home, quiet=True)
    truth = [json.loads(line) for line in (letters / "truth.jsonl").read_text().splitlines()]
    return home, truth


@pytest.fixture
def postgres() -> Iterator[str]:
    """A fresh database on the test server (IMR_TEST_POSTGRES_URL: one the tests may create
    databases and roles on; .ci/run starts it); yields its URL."""
    psycopg = pytest.importorskip("psycopg")
    admin = os.environ.get("IMR_TEST_POSTGRES_URL")
    if not admin:
        if os.environ.get("CI"):
            pytest.fail("IMR_TEST_POSTGRES_URL is not set in CI (.ci/run starts PostgreSQL)")
        pytest.skip("IMR_TEST_POSTGRES_URL not set: no PostgreSQL server to publish to")
    name = f"imr_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'create database "{name}"')
    url = admin.replace("/postgres", f"/{name}", 1)
    yield url
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'drop database "{name}" with (force)')


@pytest.fixture(scope="session")
def duckdb_oldest() -> str:
    """A Python with the oldest DuckDB the served files promise to open in (IMR_DUCKDB1_PYTHON;
    .ci/run makes a venv with duckdb 1.1.3)."""
    python = os.environ.get("IMR_DUCKDB1_PYTHON")
    if not python:
        if os.environ.get("CI"):
            pytest.fail("IMR_DUCKDB1_PYTHON is not set in CI (.ci/run makes a venv with duckdb 1.1)")
        pytest.skip("IMR_DUCKDB1_PYTHON not set: no DuckDB 1.1 environment to open the files with")
    return python

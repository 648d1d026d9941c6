"""The refresh tests' letters and homes, shared by the two files of this folder (two files so that
the two test workers share them out): two synthetic deliveries, a home with the first one
published, kept as a template, and a fresh copy of it per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr.home import Home
from imr.orchestrate.refresh import Exit, refresh
from ingest.synth import write
from tests.refreshes import files_of


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two batches of synthetic letters: a first delivery and a later one."""
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    write(first, 200, seed=61)
    write(second, 600, seed=62)
    return first, second


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, letters: tuple[Path, Path]) -> Path:
    """A home with one published refresh, kept as a template."""
    home = tmp_path_factory.mktemp("template")
    report = refresh([letters[0]], home)
    assert report.outcome == Exit.PUBLISHED, report.summary()
    return home


@pytest.fixture
def home(served: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    copy.mkdir()
    for source, target in zip(files_of(Home(served)), files_of(Home(copy))):
        target.write_bytes(source.read_bytes())
    return copy

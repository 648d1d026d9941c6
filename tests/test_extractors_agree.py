"""The same letter read by pypdfium2, `pdftotext -layout` and `pdftotext -raw` gives the same
record; plain `pdftotext` (columns of labels, then values) gives the same structure.

Plain pdftotext drops the hyphen of a word broken at a line end ("anti-" / "inflammatories"
becomes "antiinflammatories"), so only its fields untouched by that loss are compared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ingest.parse import parse_letter


@pytest.fixture(scope="module")
def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext missing in CI (.ci/run installs poppler-utils)")
        pytest.skip("pdftotext (poppler-utils) not installed")
    return found


def _text(pdftotext: str, path: Path, *options: str) -> str:
    return subprocess.run([pdftotext, *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _structure(record: dict[str, Any]) -> dict[str, Any]:
    keep = {k: v for k, v in record.items() if k not in {"items", "diagnoses"}}
    keep["items"] = [
        (
            item["ordinal"],
            item["decision"],
            len(item["claims_administrator_citations"]),
            [(c["source"], c["family"], c["year"]) for c in item["reviewer_citations"]],
        )
        for item in record["items"]
    ]
    return keep


@pytest.mark.parametrize("options", [("-layout",), ("-raw",)], ids=["layout", "raw-order"])
def test_same_record(pdftotext: str, corpus_pdfs: list[Path], corpus_records: dict, options: tuple[str, ...]) -> None:
    for path in corpus_pdfs:
        record = parse_letter(_text(pdftotext, path, *options), source_file=path.name, sha256=corpus_records[path.stem]["sha256"])
        assert record == corpus_records[path.stem], path.name


def test_label_column_form_same_structure(pdftotext: str, corpus_pdfs: list[Path], corpus_records: dict) -> None:
    for path in corpus_pdfs:
        record = parse_letter(_text(pdftotext, path), source_file=path.name, sha256=corpus_records[path.stem]["sha256"])
        assert _structure(record) == _structure(corpus_records[path.stem]), path.name

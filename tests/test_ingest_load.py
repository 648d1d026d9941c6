"""`ingest`: every file loaded, a duplicate, or quarantined; a second run adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.load import ingest
from ingest.synth import write
from tests.helpers import DATA_TABLES, add_bad_files, query, row_counts


def _truth(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "truth.jsonl").read_text().splitlines()]


def test_loads_every_letter_with_its_record(letters_dir: Path, synthetic_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    summary = ingest([letters_dir], home)
    truth = _truth(synthetic_dir)
    assert (summary.counts.loaded, summary.counts.duplicates, summary.counts.quarantined) == (120, 0, 0)
    counts = row_counts(home)
    assert counts["letters"] == 120
    assert counts["items"] == sum(len(t["items"]) for t in truth)
    assert counts["citations"] == sum(
        len(i["claims_administrator_citations"]) + len(i["reviewer_citations"]) for t in truth for i in t["items"]
    )
    by_sha = {t["sha256"]: t for t in truth}
    rows = query(
        home,
        "select sha256, case_number, date_of_injury::varchar, reviewer_licensure, determination, "
        "parser_version, full_text is not null from raw.letters",
    )
    for sha, case, injury, licensure, determination, version, has_text in rows:
        expected = by_sha[sha]
        assert (case, injury, licensure, determination) == (
            expected["case_number"],
            expected["date_of_injury"],
            expected["reviewer_licensure"],
            expected["determination"],
        )
        assert version and has_text
    citations = query(home, "select count(*) from raw.citations where party not in ('claims_administrator', 'reviewer')")
    assert citations == [(0,)]


def test_second_run_adds_nothing(letters_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    add_bad_files(letters_dir, b"%PDF-1.4 not much")
    ingest([letters_dir], home)
    before = row_counts(home)
    again = ingest([letters_dir], home)
    after = row_counts(home)
    assert {t: after[t] for t in DATA_TABLES} == {t: before[t] for t in DATA_TABLES}
    assert after["ingest_runs"] == before["ingest_runs"] + 1  # the run log records every run
    assert again.counts.loaded == 0 and again.counts.quarantined == 0
    assert again.counts.duplicates == 120 and again.counts.known_bad == 8


def test_every_bad_kind_is_quarantined_with_its_reason(letters_dir: Path, tmp_path: Path) -> None:
    good_pdf = tmp_path / "pdf"
    write(good_pdf, 1, seed=5, pdf=True)
    letter_pdf = next(good_pdf.glob("*.pdf")).read_bytes()
    expected = add_bad_files(letters_dir, letter_pdf)
    home = tmp_path / "home"
    summary = ingest([letters_dir], home)
    rows = query(home, "select source_file, error_kind, message, sha256 is not null from raw.quarantine")
    assert {name: kind for name, kind, _, _ in rows} == expected
    assert all(message for _, _, message, _ in rows)
    assert summary.counts.loaded == 120
    assert summary.counts.quarantined == len(expected)
    assert dict(summary.counts.kinds) == {kind: list(expected.values()).count(kind) for kind in set(expected.values())}
    assert "quarantined" in str(summary) and "zero_byte" in str(summary)


def test_same_bytes_under_another_name_is_a_duplicate(letters_dir: Path, tmp_path: Path) -> None:
    original = sorted(letters_dir.glob("*.txt"))[0]
    copy_dir = tmp_path / "more"
    copy_dir.mkdir()
    (copy_dir / "renamed.txt").write_bytes(original.read_bytes())
    home = tmp_path / "home"
    first = ingest([letters_dir, copy_dir], home)  # both in one run
    assert (first.counts.loaded, first.counts.duplicates) == (120, 1)
    second = ingest([copy_dir], home)
    assert (second.counts.loaded, second.counts.duplicates) == (0, 1)
    sha = query(home, f"select sha256 from raw.letters where source_file = '{original.name}'")[0][0]
    paths = query(home, f"select source_path from raw.sources where sha256 = '{sha}' order by 1")
    assert [Path(p).name for (p,) in paths] == sorted([original.name, "renamed.txt"])


def test_reissued_letter_is_kept_as_its_own_document(letters_dir: Path, tmp_path: Path) -> None:
    original = sorted(letters_dir.glob("*.txt"))[0]
    reissue = tmp_path / "reissue"
    reissue.mkdir()
    text = original.read_text().replace("Decision Date:        ", "Decision Date:        ", 1)
    (reissue / "reissued.txt").write_text(text.replace("\n\nHOW THE", "\nReissued.\n\nHOW THE", 1))
    home = tmp_path / "home"
    ingest([letters_dir, reissue], home)
    case = query(home, f"select case_number from raw.letters where source_file = '{original.name}'")[0][0]
    assert query(home, f"select count(*) from raw.letters where case_number = '{case}'") == [(2,)]


@pytest.mark.parametrize("workers", [2])
def test_worker_processes_load_the_same_rows(letters_dir: Path, tmp_path: Path, workers: int) -> None:
    in_process, pooled = tmp_path / "a", tmp_path / "b"
    ingest([letters_dir], in_process, workers=1)
    ingest([letters_dir], pooled, workers=workers)
    sql = "select l.sha256, list(i.treatment order by i.ordinal) from raw.letters l join raw.items i using (sha256) group by all order by 1"
    assert query(in_process, sql) == query(pooled, sql)

"""`ingest --reparse`: parser fixes reach letters already loaded, without their files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from imr.home import Home
from imr.orchestrate import aside
from ingest.load import ingest, reparse
from ingest.load.schema import REFUSED_ON_REPARSE
from ingest.parse import PARSER_VERSION
from tests.helpers import query, row_counts

SNAPSHOT = (
    "select l.sha256, l.case_number, l.patient_age, l.determination, list(i.treatment order by i.ordinal) "
    "from raw.letters l join raw.items i using (sha256) group by all order by 1"
)


def test_reparse_rebuilds_records_of_older_parser_versions(letters_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([letters_dir], home)
    expected, counts = query(home, SNAPSHOT), row_counts(home)
    shutil.rmtree(letters_dir)  # reparse needs only the stored text

    # What an older, worse parser left behind for 30 letters.
    with duckdb.connect(str(Home(home).raw)) as con:
        stale = [row[0] for row in con.execute("select sha256 from raw.letters order by sha256 limit 30").fetchall()]
        con.execute(
            "update raw.letters set parser_version = '0.9', patient_age = null, determination = 'upheld' "
            "where sha256 in (select unnest(?))",
            [stale],
        )
        con.execute("delete from raw.citations where sha256 in (select unnest(?))", [stale])
        con.execute("update raw.items set treatment = 'garbled' where sha256 in (select unnest(?))", [stale])
    assert query(home, SNAPSHOT) != expected

    summary = reparse(home)

    assert summary.counts.reparsed == 30
    assert query(home, SNAPSHOT) == expected
    assert {k: v for k, v in row_counts(home).items() if k != "ingest_runs"} == {k: v for k, v in counts.items() if k != "ingest_runs"}
    assert query(home, "select distinct parser_version from raw.letters") == [(PARSER_VERSION,)]
    assert reparse(home).counts.reparsed == 0


def test_a_letter_the_new_parser_refuses_is_set_aside_until_a_later_parser_reads_it(letters_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest([letters_dir], home)
    with duckdb.connect(str(Home(home).raw)) as con:
        sha256, case, text = con.execute("select sha256, case_number, full_text from raw.letters order by sha256 limit 1").fetchall()[0]
        garbled = text.replace("Overturned", "Partially Overturned").replace("Upheld", "Partially Overturned")
        assert garbled != text
        con.execute("update raw.letters set full_text = ?, parser_version = '0.9' where sha256 = ?", [garbled, sha256])

    summary = reparse(home)

    assert summary.counts.reparsed == 0 and len(summary.failures) == 1
    assert summary.failures[0].startswith(f"{sha256}: ") and "[unknown_decision]" in summary.failures[0]
    assert query(home, f"select case_number from raw.letters where sha256 = '{sha256}'") == [(case,)]  # the old record stays in raw
    assert query(home, "select case_number, reason from raw.set_aside") == [(case, REFUSED_ON_REPARSE)]  # but is not served
    aside.check(home, loaded_since=None)  # a build's row checks do not lift a parser's refusal
    assert query(home, "select reason, released_at from raw.set_aside") == [(REFUSED_ON_REPARSE, None)]
    reparse(home)  # refused again: still one row
    assert query(home, "select count(*) from raw.set_aside") == [(1,)]

    with duckdb.connect(str(Home(home).raw)) as con:  # a later parser reads it whole
        con.execute("update raw.letters set full_text = ?, parser_version = '0.9' where sha256 = ?", [text, sha256])
    assert reparse(home).counts.reparsed == 1
    assert query(home, "select count(*) from raw.set_aside") == [(0,)]

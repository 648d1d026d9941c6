"""`ingest --reparse`: parser fixes reach letters already loaded, without their files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from imr.home import Home
from ingest.load import ingest, reparse
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
